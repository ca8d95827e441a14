/**
 * Every account and role the user can reach, through every page.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import type { Runtime } from "../runtime.ts";
import type { AccountInfo, Page, RoleInfo } from "./portal_api.ts";
import { withSsoToken, type WithSsoTokenOptions } from "./with_sso_token.ts";

async function allPages<T>(fetchPage: (nextToken?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let next: string | undefined;
  do {
    const page = await fetchPage(next);
    items.push(...page.items);
    next = page.nextToken;
    if (next !== undefined) {
      // A portal that hands back a token it gave before would loop forever.
      if (seen.has(next)) break;
      seen.add(next);
    }
  } while (next);
  return items;
}

/**
 * Lists every account the user can reach (`ListAccounts`, all pages).
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @param options sign-in policy
 * @returns the accounts, in the portal's order
 * @throws {SsoError} when the portal cannot be read
 * @example
 * ```ts
 * import { denoRuntime, listAccounts, listRoles, loadSsoProfile } from "@ssokit/aws-sso";
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 * import assert from "node:assert/strict";
 *
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws);
 * const runtime = { ...denoRuntime(), ...home.runtime };
 * const profile = await loadSsoProfile(runtime, "corp");
 *
 * const accounts = await listAccounts(runtime, profile);
 * assert.ok(accounts.length > 0);
 * const roles = await listRoles(runtime, profile, accounts[0]!.accountId);
 * assert.ok(roles.every((r) => r.accountId === accounts[0]!.accountId));
 * ```
 */
export function listAccounts(
  runtime: Runtime,
  profile: SsoProfile,
  options: WithSsoTokenOptions = {},
): Promise<AccountInfo[]> {
  return allPages((nextToken) =>
    withSsoToken(
      runtime,
      profile,
      "List accounts",
      (portal, accessToken) =>
        portal.listAccounts({ accessToken, maxResults: 100, ...(nextToken ? { nextToken } : {}) }),
      options,
    )
  );
}

/**
 * Lists the roles of one account (`ListAccountRoles`, all pages).
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @param accountId the account
 * @param options sign-in policy
 * @returns the roles
 * @throws {SsoError} when the portal cannot be read
 */
export function listRoles(
  runtime: Runtime,
  profile: SsoProfile,
  accountId: string,
  options: WithSsoTokenOptions = {},
): Promise<RoleInfo[]> {
  return allPages((nextToken) =>
    withSsoToken(
      runtime,
      profile,
      `List roles of account ${accountId}`,
      (portal, accessToken) =>
        portal.listAccountRoles({
          accessToken,
          accountId,
          maxResults: 100,
          ...(nextToken ? { nextToken } : {}),
        }),
      options,
    )
  );
}
