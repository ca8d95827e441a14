/**
 * Which role a command names: the one on its command line, or the one its SSO profile names.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { SsoError } from "../errors.ts";
import type { RoleRef } from "../portal/get_role_credentials.ts";
import { parseRoleArn } from "../portal/role_arn.ts";
import type { Flags } from "./parse_flags.ts";

/**
 * The role of `-r ROLE_ARN`, or of `--account ID --role NAME`; `undefined` without either.
 *
 * @throws {SsoError} `USAGE` for a role ARN or account id that is not one
 */
export function roleFromFlags(flags: Flags): RoleRef | undefined {
  if (flags.roleArn !== undefined) {
    try {
      const { accountId, roleName } = parseRoleArn(flags.roleArn);
      return { accountId, roleName };
    } catch (err) {
      throw new SsoError("USAGE", (err as Error).message, {
        hint: "use arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME, or --account ID --role NAME",
      });
    }
  }
  if (flags.account !== undefined && flags.role !== undefined) {
    if (!/^\d{12}$/.test(flags.account)) {
      throw new SsoError("USAGE", `Invalid account id "${flags.account}": expected 12 digits`);
    }
    return { accountId: flags.account, roleName: flags.role };
  }
  return undefined;
}

/** The profile's own role (`sso_account_id`, `sso_role_name`, as `aws configure sso` writes). */
export function profileRole(profile: SsoProfile): RoleRef | undefined {
  if (profile.accountId === undefined || profile.roleName === undefined) return undefined;
  return { accountId: profile.accountId, roleName: profile.roleName };
}
