/**
 * Where the AWS CLI v2 keeps SSO tokens and client registrations (spec §4).
 *
 * @module
 */

import { join } from "../path.ts";
import { homeDir } from "../config/home_dir.ts";
import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { pythonJsonDumps } from "./python_json.ts";
import { sha1Hex } from "./sha1_hex.ts";

/** `~/.aws/sso/cache` (no override exists in the AWS tools). */
export function ssoCacheDir(env: (name: string) => string | undefined): string {
  return join(homeDir(env), ".aws", "sso", "cache");
}

/** The token cache key: the sso-session name, or the start URL as configured for legacy profiles. */
export function tokenCacheKey(profile: SsoProfile): string {
  return sha1Hex(profile.sessionName ?? profile.startUrl);
}

/** The token file of a profile. */
export function tokenCachePath(
  profile: SsoProfile,
  env: (name: string) => string | undefined,
): string {
  return join(ssoCacheDir(env), `${tokenCacheKey(profile)}.json`);
}

/** The client registration file, named as botocore names it (`_registration_cache_key`). */
export function registrationCachePath(
  profile: SsoProfile,
  env: (name: string) => string | undefined,
): string {
  const key = pythonJsonDumps({
    tool: "botocore",
    startUrl: profile.startUrl,
    region: profile.ssoRegion,
    scopes: profile.scopes ?? null,
    session_name: profile.sessionName ?? null,
  }, { sortKeys: true });
  return join(ssoCacheDir(env), `${sha1Hex(key)}.json`);
}
