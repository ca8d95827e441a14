/**
 * Reading and writing the token in the AWS CLI's own cache.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { writeFileSafely } from "../files/write_file_safely.ts";
import type { Runtime } from "../runtime.ts";
import { tokenCachePath } from "./cache_paths.ts";
import { parseSsoToken, serializeSsoToken, type SsoToken } from "./sso_token.ts";

/**
 * Reads the cached SSO token of a profile from `~/.aws/sso/cache`, exactly where the AWS CLI v2
 * puts it. A missing or corrupt file, a registration file, or a token of another start URL (the
 * session now points elsewhere) gives `null`. Expiry is not checked here.
 *
 * @param runtime files and env
 * @param profile the SSO profile
 * @returns the token, or `null`
 * @example
 * ```ts
 * import { denoRuntime, loadSsoProfile, login, readToken } from "@ssokit/aws-sso";
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 * import assert from "node:assert/strict";
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws); // a temp HOME whose config points at the fake
 * const runtime = { ...denoRuntime(), ...home.runtime };
 * const profile = await loadSsoProfile(runtime, "corp");
 *
 * assert.equal(await readToken(runtime, profile), null);
 * await login(runtime, profile);
 * const token = await readToken(runtime, profile);
 * assert.ok(token && token.expiresAt > Date.now());
 * ```
 */
export async function readToken(
  runtime: Pick<Runtime, "fs" | "env">,
  profile: SsoProfile,
): Promise<SsoToken | null> {
  const text = await runtime.fs.readTextFile(tokenCachePath(profile, runtime.env));
  const token = text === null ? null : parseSsoToken(text);
  if (!token) return null;
  if (token.startUrl !== undefined && token.startUrl !== profile.startUrl) return null;
  return token;
}

/**
 * Writes the token as botocore writes it (same file, same bytes, mode 0600), atomically.
 *
 * @param runtime files and env
 * @param profile the SSO profile
 * @param token the token
 */
export async function writeToken(
  runtime: Runtime,
  profile: SsoProfile,
  token: SsoToken,
): Promise<void> {
  await writeFileSafely(runtime, tokenCachePath(profile, runtime.env), serializeSsoToken(token), {
    secret: true,
    validate(text) {
      if (!parseSsoToken(text)) throw new TypeError("Refusing to write an unreadable SSO token");
    },
  });
}
