/**
 * Turns a profile of the config file into what sign-in needs, with botocore's checks (spec §5).
 *
 * @module
 */

import { shellQuote } from "../command_line.ts";
import { SsoError } from "../errors.ts";

/** Everything sign-in and the portal need to know about an SSO profile. */
export interface SsoProfile {
  /** The profile's name, e.g. `dev`. */
  profileName: string;
  /** The IdC start URL exactly as configured (it keys the token cache of legacy profiles). */
  startUrl: string;
  /** The region of IAM Identity Center. */
  ssoRegion: string;
  /** The `[sso-session NAME]` the profile uses; absent for legacy profiles. */
  sessionName?: string;
  /** `sso_registration_scopes` of the session, parsed; absent when not configured. */
  scopes?: string[];
  /** `sso_account_id`, when the profile names one. */
  accountId?: string;
  /** `sso_role_name`, when the profile names one. */
  roleName?: string;
  /** The profile's `region` (for the services the credentials are used with), when set. */
  region?: string;
  /**
   * Endpoint URLs from the config file: the `[services NAME]` section the profile names
   * (`sso`, `sso-oidc`), and the profile's own `endpoint_url` (`*`).
   */
  endpoints?: Partial<Record<"sso" | "sso-oidc" | "*", string>>;
}

/** Where {@linkcode resolveSsoProfile} finds sections: lowercased keys, as the config file reader gives them. */
export interface ProfileLookup {
  /** The config file's path, for messages. */
  path: string;
  /** A profile's keys, or `undefined` if there is no such profile. */
  profile(name: string): Record<string, string> | undefined;
  /** An `[sso-session NAME]` section's keys, or `undefined`. */
  ssoSession(name: string): Record<string, string> | undefined;
  /** A `[services NAME]` section's sub-sections (service id → keys), or `undefined`. */
  services?(name: string): Record<string, Record<string, string>> | undefined;
}

/** A region name as botocore's `validate_region_name` accepts it. */
const REGION_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

const SSO_KEYS = ["sso_session", "sso_start_url", "sso_region", "sso_account_id", "sso_role_name"];

/**
 * Parses `sso_registration_scopes` as botocore does: comma-separated, items stripped, empty ones
 * dropped.
 *
 * @param value the configured value
 * @returns the scopes
 */
export function parseScopes(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * Resolves an SSO profile: a legacy one (`sso_start_url` and `sso_region` in the profile) or one
 * that names an `[sso-session]`.
 *
 * @param name the profile name (`default` for `[default]`)
 * @param lookup the config file's sections
 * @returns the resolved profile
 * @throws {SsoError} `PROFILE_NOT_FOUND`, `NOT_SSO_PROFILE` or `INVALID_CONFIG`
 * @example
 * ```ts
 * import { resolveSsoProfile } from "@ssokit/aws-sso";
 * import assert from "node:assert/strict";
 *
 * const p = resolveSsoProfile("dev", {
 *   path: "~/.aws/config",
 *   profile: (n) => n === "dev" ? { sso_session: "corp", sso_account_id: "111122223333" } : undefined,
 *   ssoSession: (n) =>
 *     n === "corp" ? { sso_start_url: "https://d-1.awsapps.com/start", sso_region: "eu-west-1" } : undefined,
 * });
 * assert.equal(p.ssoRegion, "eu-west-1");
 * assert.equal(p.sessionName, "corp");
 * ```
 */
export function resolveSsoProfile(name: string, lookup: ProfileLookup): SsoProfile {
  const section = lookup.profile(name);
  if (!section) {
    throw new SsoError("PROFILE_NOT_FOUND", `Profile "${name}" not found in ${lookup.path}`, {
      hint: `add it with "aws configure sso --profile ${shellQuote(name)}", or set AWS_CONFIG_FILE`,
    });
  }
  if (!SSO_KEYS.some((k) => section[k] !== undefined)) {
    throw new SsoError("NOT_SSO_PROFILE", `Profile "${name}" is not an SSO profile`, {
      hint: "an SSO profile has sso_session (or sso_start_url and sso_region)",
    });
  }
  const merged: Record<string, string> = { ...section };
  const sessionName = section["sso_session"];
  let scopes: string[] | undefined;
  if (sessionName !== undefined) {
    const session = lookup.ssoSession(sessionName);
    if (!session) {
      throw new SsoError(
        "INVALID_CONFIG",
        `Profile "${name}" uses sso-session "${sessionName}", which does not exist in ${lookup.path}`,
        { hint: `add a [sso-session ${sessionName}] section, or fix sso_session` },
      );
    }
    for (const key of ["sso_start_url", "sso_region"]) {
      const own = section[key];
      const shared = session[key];
      if (own !== undefined && shared !== undefined && own !== shared) {
        throw new SsoError(
          "INVALID_CONFIG",
          `The value for ${key} is inconsistent between profile (${own}) and sso-session (${shared})`,
          { hint: `remove ${key} from [profile ${name}] or make the two equal` },
        );
      }
      if (shared !== undefined) merged[key] = shared;
    }
    const rawScopes = session["sso_registration_scopes"];
    if (rawScopes !== undefined) scopes = parseScopes(rawScopes);
  }
  const missing = ["sso_start_url", "sso_region"].filter((k) => !merged[k]);
  if (missing.length > 0) {
    throw new SsoError(
      "INVALID_CONFIG",
      `Profile "${name}" is configured to use SSO but is missing required configuration: ${
        missing.join(", ")
      }`,
      {
        hint: sessionName !== undefined
          ? `set them in [sso-session ${sessionName}]`
          : `set them in the profile, or use an [sso-session] section`,
      },
    );
  }
  const optional = (key: string): string | undefined => merged[key] || undefined;
  const accountId = optional("sso_account_id");
  const roleName = optional("sso_role_name");
  const region = optional("region");
  for (const key of ["sso_region", "region"]) {
    const value = merged[key];
    if (value && !REGION_NAME.test(value)) {
      throw new SsoError(
        "INVALID_CONFIG",
        `Invalid ${key} ${JSON.stringify(value)} in profile "${name}": not a region name`,
        { hint: `set it to a region such as eu-west-1 (a # comment goes on a line of its own)` },
      );
    }
  }
  const endpoints: Partial<Record<"sso" | "sso-oidc" | "*", string>> = {};
  const servicesName = section["services"];
  const services = servicesName !== undefined ? lookup.services?.(servicesName) : undefined;
  if (services?.["sso"]?.["endpoint_url"]) endpoints.sso = services["sso"]["endpoint_url"];
  if (services?.["sso_oidc"]?.["endpoint_url"]) {
    endpoints["sso-oidc"] = services["sso_oidc"]["endpoint_url"];
  }
  if (section["endpoint_url"]) endpoints["*"] = section["endpoint_url"];
  return {
    profileName: name,
    startUrl: merged["sso_start_url"] as string,
    ssoRegion: merged["sso_region"] as string,
    ...(sessionName !== undefined ? { sessionName } : {}),
    ...(scopes !== undefined ? { scopes } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
    ...(roleName !== undefined ? { roleName } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(Object.keys(endpoints).length > 0 ? { endpoints } : {}),
  };
}
