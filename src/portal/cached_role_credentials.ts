/**
 * Role credentials from the cache when they have time left, otherwise from the portal (once,
 * however many processes ask at the same moment), then cached.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import type { RoleCredentials } from "../role_credentials.ts";
import type { Runtime } from "../runtime.ts";
import type { RoleRef } from "./get_role_credentials.ts";
import {
  CREDENTIALS_EXPIRY_WINDOW_MS,
  readCachedRoleCredentials,
  roleCachePath,
  writeCachedRoleCredentials,
} from "./role_credentials_cache.ts";
import type { WithSsoTokenOptions } from "./with_sso_token.ts";

/** Options of {@linkcode cachedRoleCredentials}. */
export interface CachedRoleCredentialsOptions extends WithSsoTokenOptions {
  /** Reuse cached credentials until this close to expiry (default 15 minutes). */
  windowMs?: number;
  /** Skip the cache: always ask the portal (the result is still cached). */
  noCache?: boolean;
}

/**
 * Credentials of a role: the cached ones while they have more than `windowMs` left, otherwise
 * fresh ones from the portal, written to `~/.aws/cli/cache` under a per-role lock.
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @param role account and role
 * @param options cache window and sign-in policy
 * @returns the credentials
 * @throws {SsoError} as `getRoleCredentials`
 * @example
 * ```ts
 * import { cachedRoleCredentials, denoRuntime, loadSsoProfile } from "@ssokit/aws-sso";
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 * import assert from "node:assert/strict";
 *
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws);
 * const runtime = { ...denoRuntime(), ...home.runtime };
 * const profile = await loadSsoProfile(runtime, "corp");
 *
 * const role = { accountId: "111111111111", roleName: "ReadOnly" };
 * const first = await cachedRoleCredentials(runtime, profile, role);
 * const again = await cachedRoleCredentials(runtime, profile, role); // from ~/.aws/cli/cache
 * assert.equal(again.accessKeyId, first.accessKeyId);
 * assert.equal(aws.counters.getRoleCredentials, 1);
 * ```
 */
export async function cachedRoleCredentials(
  runtime: Runtime,
  profile: SsoProfile,
  role: RoleRef,
  options: CachedRoleCredentialsOptions = {},
): Promise<RoleCredentials> {
  const windowMs = options.windowMs ?? CREDENTIALS_EXPIRY_WINDOW_MS;
  if (!options.noCache) {
    const hit = await readCachedRoleCredentials(runtime, profile, role, windowMs);
    if (hit) return hit;
  }
  // Only a cache miss loads the lock, sign-in and portal code (the hot path stays small).
  const lockPath = roleCachePath(profile, role, runtime.env).replace(/\.json$/, ".lock");
  const loadPortal = () => {
    const portal = import("./portal_for.ts").then((m) => m.portalFor(runtime, profile));
    portal.catch(() => {}); // its error, if any, is reported where withSsoToken awaits it
    return portal;
  };
  // When no one else is fetching these credentials, this process will: the AWS SDK starts
  // loading now, alongside the lock, the sign-in code and the token. Processes that wait for
  // another's lock usually find the credentials cached after it and never load the SDK.
  let portal = await runtime.fs.stat(lockPath) === null ? loadPortal() : undefined;
  const { withLock } = await import("../files/lock.ts");
  return await withLock(runtime, lockPath, async () => {
    if (!options.noCache) {
      const hit = await readCachedRoleCredentials(runtime, profile, role, windowMs);
      if (hit) return hit;
    }
    portal ??= loadPortal();
    const { getRoleCredentials } = await import("./get_role_credentials.ts");
    const creds = await getRoleCredentials(runtime, profile, role, { ...options, portal });
    await writeCachedRoleCredentials(runtime, profile, { ...creds, roleName: role.roleName });
    return creds;
  });
}
