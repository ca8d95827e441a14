/**
 * Whether a `credential_process` line someone else wrote gets a given role through aws-sso: the
 * lines the Python `aws_sso`'s discovery wrote (`python3 -m aws_sso -p SSO_PROFILE -r ROLEARN
 * -ext`, with no marker), which discovery may take over.
 *
 * @module
 */

import { shlexSplit } from "../config/ini_document.ts";
import { parseRoleArn } from "../portal/role_arn.ts";

/** The last value of an option in `args`: `-p X`, `-pX`, `-p=X`, `--profile X` or `--profile=X`. */
function optionValue(args: string[], long: string, short?: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === `--${long}` || (short && a === `-${short}`)) value = args[++i];
    else if (a.startsWith(`--${long}=`)) value = a.slice(long.length + 3);
    else if (short && a.startsWith(`-${short}`) && !a.startsWith("--")) {
      value = a.slice(2).replace(/^=/, "");
    }
  }
  return value;
}

/**
 * The arguments that aws-sso itself gets from a command line: after `aws-sso` (or `aws_sso`,
 * any folder, `.exe` on Windows) or `python… -m aws_sso`; `undefined` when the line runs
 * another program (a wrapper script, or a `deno run` line, which only aws-sso's own discovery
 * writes, marked).
 */
function awsSsoArgs(words: string[]): string[] | undefined {
  const program = (words[0] ?? "").split(/[/\\]/).pop()!.toLowerCase();
  if (/^aws[-_]sso(\.exe)?$/.test(program)) return words.slice(1);
  if (/^python[\d.]*(\.exe)?$/.test(program) && words[1] === "-m" && words[2] === "aws_sso") {
    return words.slice(3);
  }
  return undefined;
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
  const words = shlexSplit(line);
  const args = words && awsSsoArgs(words);
  if (!args || optionValue(args, "profile", "p") !== ssoProfile) return false;
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
