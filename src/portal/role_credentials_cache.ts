/**
 * Role credentials cached in the AWS CLI's own cache, `~/.aws/cli/cache` (spec §4): same file
 * name and content, so the AWS CLI and aws-sso share one set and `aws sso logout` clears ours.
 *
 * @module
 */

import { join } from "../path.ts";
import { homeDir } from "../config/home_dir.ts";
import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { isoSeconds, parseAwsTime } from "../aws_time.ts";
import type { RoleCredentials } from "../role_credentials.ts";
import type { Runtime } from "../runtime.ts";
import { pythonJsonDumps } from "../token/python_json.ts";
import { sha1Hex } from "../token/sha1_hex.ts";
import type { RoleRef } from "./get_role_credentials.ts";

/** Cached credentials are reused until this close to expiry (the AWS CLI's window). */
export const CREDENTIALS_EXPIRY_WINDOW_MS = 15 * 60_000;

/** `~/.aws/cli/cache`. */
export function cliCacheDir(env: (name: string) => string | undefined): string {
  return join(homeDir(env), ".aws", "cli", "cache");
}

/**
 * The cache file of a role, named as botocore's `SSOCredentialFetcher` names it.
 *
 * @param profile the SSO profile (its session name, or start URL for legacy profiles)
 * @param role account and role
 * @param env reads an environment variable
 * @returns the path
 */
export function roleCachePath(
  profile: SsoProfile,
  role: RoleRef,
  env: (name: string) => string | undefined,
): string {
  const args = {
    roleName: role.roleName,
    accountId: role.accountId,
    ...(profile.sessionName !== undefined
      ? { sessionName: profile.sessionName }
      : { startUrl: profile.startUrl }),
  };
  const key = sha1Hex(pythonJsonDumps(args, { sortKeys: true, separators: [",", ":"] }));
  return join(cliCacheDir(env), `${key}.json`);
}

/**
 * Reads cached credentials of a role. A missing, corrupt or foreign entry (another provider,
 * another start URL) gives `null`; so does one within `windowMs` of expiry.
 *
 * @param runtime files, env and clock
 * @param profile the SSO profile
 * @param role account and role
 * @param windowMs reuse until this close to expiry (default 15 minutes)
 * @returns the credentials, or `null`
 */
export async function readCachedRoleCredentials(
  runtime: Pick<Runtime, "fs" | "env" | "now">,
  profile: SsoProfile,
  role: RoleRef,
  windowMs: number = CREDENTIALS_EXPIRY_WINDOW_MS,
): Promise<RoleCredentials | null> {
  const text = await runtime.fs.readTextFile(roleCachePath(profile, role, runtime.env));
  if (text === null) return null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const o = data as Record<string, unknown> | null;
  if (!o || typeof o !== "object" || o.ProviderType !== "sso") return null;
  if (o.StartUrl !== undefined && o.StartUrl !== profile.startUrl) return null;
  const c = o.Credentials as Record<string, unknown> | undefined;
  if (!c || typeof c !== "object") return null;
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration, AccountId } = c;
  if (
    typeof AccessKeyId !== "string" || typeof SecretAccessKey !== "string" ||
    typeof SessionToken !== "string" || typeof Expiration !== "string"
  ) return null;
  if (AccountId !== undefined && AccountId !== role.accountId) return null;
  const expiration = parseAwsTime(Expiration);
  if (expiration === null || expiration - windowMs <= runtime.now()) return null;
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: SessionToken,
    expiration,
    accountId: role.accountId,
    roleName: role.roleName,
  };
}

/**
 * Caches credentials as the AWS CLI does (mode 0600, atomic), plus the start URL they came from.
 *
 * @param runtime files and env
 * @param profile the SSO profile
 * @param creds the credentials
 */
export async function writeCachedRoleCredentials(
  runtime: Runtime,
  profile: SsoProfile,
  creds: RoleCredentials & { roleName: string },
): Promise<void> {
  const text = pythonJsonDumps({
    ProviderType: "sso",
    Credentials: {
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      SessionToken: creds.sessionToken,
      Expiration: isoSeconds(creds.expiration),
      AccountId: creds.accountId,
    },
    StartUrl: profile.startUrl,
  });
  const path = roleCachePath(
    profile,
    { accountId: creds.accountId, roleName: creds.roleName },
    runtime.env,
  );
  const { writeFileSafely } = await import("../files/write_file_safely.ts");
  await writeFileSafely(runtime, path, text, { secret: true });
}
