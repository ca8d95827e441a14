/**
 * Whether a `credential_process` line someone else wrote gets a given role through aws-sso: the
 * lines the Python `aws_sso`'s discovery wrote (`python3 -m aws_sso -p SSO_PROFILE -r ROLEARN
 * -ext`, with no marker), which discovery may take over.
 *
 * @module
 */

import { shlexSplit } from "../config/ini_document.ts";
import { parseRoleArn } from "../portal/role_arn.ts";

/** The last value of an option in `args`: `-p X`, `-pX`, `--profile X` or `--profile=X`. */
function optionValue(args: string[], long: string, short?: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === `--${long}` || (short && a === `-${short}`)) value = args[++i];
    else if (a.startsWith(`--${long}=`)) value = a.slice(long.length + 3);
    else if (short && a.startsWith(`-${short}`) && !a.startsWith("--")) value = a.slice(2);
  }
  return value;
}

/**
 * Whether `line` runs aws-sso (or the Python `aws_sso`) with `-p ssoProfile` for exactly `role`
 * (`-r` with either form of its ARN, or `--account` and `--role`).
 *
 * @param line a `credential_process` value
 * @param ssoProfile the SSO profile's name
 * @param role the account and role
 * @returns `true` if it does
 */
export function runsAwsSsoFor(
  line: string,
  ssoProfile: string,
  role: { accountId: string; roleName: string },
): boolean {
  const args = shlexSplit(line);
  if (!args?.some((a) => /aws[-_]sso/.test(a))) return false;
  if (optionValue(args, "profile", "p") !== ssoProfile) return false;
  const arn = optionValue(args, "rolearn", "r");
  if (arn === undefined) {
    return optionValue(args, "account") === role.accountId &&
      optionValue(args, "role") === role.roleName;
  }
  try {
    const parsed = parseRoleArn(arn);
    return parsed.accountId === role.accountId && parsed.roleName === role.roleName;
  } catch {
    return false;
  }
}
