/**
 * `--list`: the accounts and roles, as a table on a terminal, tab-separated in a pipe, or JSON.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { discover } from "../portal/discover.ts";
import { formatRoleArn } from "../portal/role_arn.ts";
import { partition } from "../endpoints.ts";
import { printable } from "../printable.ts";
import type { Runtime } from "../runtime.ts";
import type { GetSsoTokenOptions } from "../token/get_sso_token.ts";

/**
 * Prints every account and role on stdout.
 *
 * @param runtime stdout and the rest
 * @param profile the SSO profile
 * @param options sign-in policy
 * @param json print a JSON array instead of text
 * @returns the exit code
 */
export async function listCommand(
  runtime: Runtime,
  profile: SsoProfile,
  options: GetSsoTokenOptions,
  json: boolean,
): Promise<number> {
  const roles = await discover(runtime, profile, options);
  const part = partition(profile.ssoRegion);
  const rows = roles.map((r) => ({
    accountId: r.accountId,
    accountName: r.accountName ?? "",
    roleName: r.roleName,
    roleArn: formatRoleArn(part, r.accountId, r.roleName),
  }));
  if (json) {
    runtime.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    return 0;
  }
  // Names come from the service: no control character reaches the terminal or splits a line.
  for (const r of rows) r.accountName = printable(r.accountName);
  if (runtime.stdout.isTerminal) {
    const width = (key: "accountId" | "accountName" | "roleName", title: string) =>
      Math.max(title.length, ...rows.map((r) => r[key].length));
    const w = [
      width("accountId", "ACCOUNT"),
      width("accountName", "NAME"),
      width("roleName", "ROLE"),
    ];
    const line = (a: string, b: string, c: string, d: string) =>
      `${a.padEnd(w[0]!)}  ${b.padEnd(w[1]!)}  ${c.padEnd(w[2]!)}  ${d}`.trimEnd() + "\n";
    runtime.stdout.write(line("ACCOUNT", "NAME", "ROLE", "ROLE ARN"));
    for (const r of rows) {
      runtime.stdout.write(line(r.accountId, r.accountName, r.roleName, r.roleArn));
    }
  } else {
    for (const r of rows) {
      runtime.stdout.write(`${r.accountId}\t${r.accountName}\t${r.roleName}\t${r.roleArn}\n`);
    }
  }
  return 0;
}
