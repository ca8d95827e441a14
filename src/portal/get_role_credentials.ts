/**
 * Short-term credentials of one role from the SSO portal.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import type { RoleCredentials } from "../role_credentials.ts";
import type { Runtime } from "../runtime.ts";
import { withSsoToken, type WithSsoTokenOptions } from "./with_sso_token.ts";

/** The role to get credentials for. */
export interface RoleRef {
  /** 12 digits. */
  accountId: string;
  /** The permission set name, e.g. `AdministratorAccess`. */
  roleName: string;
}

/**
 * Calls `GetRoleCredentials` for a role, signing in first if needed.
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @param role account and role
 * @param options sign-in policy
 * @returns the role's credentials
 * @throws {SsoError} `ACCESS_DENIED` when the role is not granted, `LOGIN_REQUIRED`, `THROTTLED`, …
 * @example
 * ```ts
 * import { denoRuntime, getRoleCredentials, loadSsoProfile } from "@ssokit/aws-sso";
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 * import assert from "node:assert/strict";
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws); // a temp HOME whose config points at the fake
 * const runtime = { ...denoRuntime(), ...home.runtime };
 * const profile = await loadSsoProfile(runtime, "corp");
 *
 * const creds = await getRoleCredentials(runtime, profile, {
 *   accountId: "111111111111",
 *   roleName: "ReadOnly",
 * });
 * assert.ok(creds.accessKeyId.startsWith("ASIA"));
 * ```
 */
export async function getRoleCredentials(
  runtime: Runtime,
  profile: SsoProfile,
  role: RoleRef,
  options: WithSsoTokenOptions = {},
): Promise<RoleCredentials> {
  const c = await withSsoToken(
    runtime,
    profile,
    `Get credentials for role ${role.roleName} in account ${role.accountId}`,
    (portal, accessToken) => portal.getRoleCredentials({ accessToken, ...role }),
    options,
  );
  return { ...c, accountId: role.accountId, roleName: role.roleName };
}
