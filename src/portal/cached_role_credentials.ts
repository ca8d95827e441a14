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
 * import { denoRuntime } from "../deno_runtime.ts";
 * import { loadSsoProfile } from "../config/load_sso_profile.ts";
 * import { fakeSsoHome, startFakeAws } from "../../testing/mod.ts";
 * import { cachedRoleCredentials } from "./cached_role_credentials.ts";
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
  const [{ withLock }, { getRoleCredentials }] = await Promise.all([
    import("../files/lock.ts"),
    import("./get_role_credentials.ts"),
  ]);
  const lockPath = roleCachePath(profile, role, runtime.env).replace(/\.json$/, ".lock");
  return await withLock(runtime, lockPath, async () => {
    if (!options.noCache) {
      const hit = await readCachedRoleCredentials(runtime, profile, role, windowMs);
      if (hit) return hit;
    }
    const creds = await getRoleCredentials(runtime, profile, role, options);
    await writeCachedRoleCredentials(runtime, profile, { ...creds, roleName: role.roleName });
    return creds;
  });
}
