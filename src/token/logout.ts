/**
 * Signing out, as `aws sso logout` does for one session.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { withLock } from "../files/lock.ts";
import { portalFor } from "../portal/portal_for.ts";
import type { Runtime } from "../runtime.ts";
import { join } from "../path.ts";
import { cliCacheDir } from "../portal/role_credentials_cache.ts";
import { tokenCachePath } from "./cache_paths.ts";
import { sessionLockPath } from "./get_sso_token.ts";
import { readToken } from "./token_store.ts";

/**
 * Removes the role credentials cached for this session in `~/.aws/cli/cache`: SSO entries of its
 * start URL, and SSO entries that do not say where they came from (the AWS CLI writes none), as
 * `aws sso logout` removes every SSO entry. Entries of other providers are kept.
 */
async function removeCachedRoleCredentials(runtime: Runtime, profile: SsoProfile): Promise<void> {
  const dir = cliCacheDir(runtime.env);
  for (const name of await runtime.fs.readDir(dir)) {
    if (!name.endsWith(".json")) continue;
    const path = join(dir, name);
    try {
      const data = JSON.parse((await runtime.fs.readTextFile(path)) ?? "null");
      if (data?.ProviderType !== "sso") continue;
      if (data.StartUrl !== undefined && data.StartUrl !== profile.startUrl) continue;
      await runtime.fs.remove(path);
    } catch {
      // Not JSON, or gone meanwhile: not ours to judge.
    }
  }
}

/**
 * Whether the session's token file holds a token aws-sso cannot use (one with a character no
 * request can carry): still a token of this session, which `aws sso logout` would remove too.
 */
async function unusableToken(runtime: Runtime, profile: SsoProfile): Promise<boolean> {
  const text = await runtime.fs.readTextFile(tokenCachePath(profile, runtime.env));
  try {
    const data = JSON.parse(text ?? "null");
    return typeof data?.accessToken === "string" &&
      (data.startUrl === undefined || data.startUrl === profile.startUrl);
  } catch {
    return false;
  }
}

/**
 * Signs out of a profile's SSO session: calls the portal's `Logout` (its errors are ignored, as
 * the AWS CLI ignores them), removes the cached token and the role credentials cached for the
 * session. The client registration is kept.
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @returns whether a token was found and removed
 * @example
 * ```ts
 * import { denoRuntime, loadSsoProfile, login, logout } from "@ssokit/aws-sso";
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 * import assert from "node:assert/strict";
 *
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws);
 * const runtime = { ...denoRuntime(), ...home.runtime };
 * const profile = await loadSsoProfile(runtime, "corp");
 *
 * await login(runtime, profile);
 * assert.equal(await logout(runtime, profile), true);
 * assert.equal(await logout(runtime, profile), false);
 * ```
 */
export async function logout(runtime: Runtime, profile: SsoProfile): Promise<boolean> {
  return await withLock(runtime, sessionLockPath(runtime, profile), async () => {
    const token = await readToken(runtime, profile);
    if (token) {
      try {
        const portal = await portalFor(runtime, profile);
        await portal.logout({ accessToken: token.accessToken });
      } catch {
        // The AWS CLI ignores Logout errors too: the token is removed either way.
      }
    } else if (!await unusableToken(runtime, profile)) {
      return false;
    }
    await runtime.fs.remove(tokenCachePath(profile, runtime.env));
    await removeCachedRoleCredentials(runtime, profile);
    return true;
  });
}
