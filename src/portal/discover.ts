/**
 * Discovery: every account and role the user can reach, fast and within the portal's rate limit.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import type { Runtime } from "../runtime.ts";
import { listAccounts, listRoles } from "./list_accounts.ts";
import { createRateLimiter, mapWithConcurrency } from "./rate_limiter.ts";
import { isAccountId, isPermissionSetName } from "./role_arn.ts";
import type { WithSsoTokenOptions } from "./with_sso_token.ts";

/** A role the user can reach, with its account's name. */
export interface DiscoveredRole {
  /** The 12-digit account id. */
  accountId: string;
  /** The account's name, when the portal gives one. */
  accountName?: string;
  /** The permission set name. */
  roleName: string;
}

/** Options of {@linkcode discover}. */
export interface DiscoverOptions extends WithSsoTokenOptions {
  /** Calls per second at most (the portal allows about 20); lowered on sustained throttling (default 20). */
  ratePerSecond?: number;
  /** Accounts listed at once (default 8). */
  concurrency?: number;
  /** Called after each account's roles are listed. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Lists every account (all pages) and the roles of each (all pages, many accounts at once under a
 * client-side rate limit with jittered backoff on `TooManyRequestsException`), sorted by account
 * id and role name.
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @param options rate, concurrency, progress, sign-in policy
 * @returns the roles
 * @throws {SsoError} when the portal cannot be read; a throttled call is retried, never dropped
 * @example
 * ```ts
 * import { denoRuntime, discover, loadSsoProfile } from "@ssokit/aws-sso";
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 * import assert from "node:assert/strict";
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws); // a temp HOME whose config points at the fake
 * const runtime = { ...denoRuntime(), ...home.runtime };
 * const profile = await loadSsoProfile(runtime, "corp");
 *
 * const roles = await discover(runtime, profile);
 * assert.ok(roles.some((r) => r.accountId === "111111111111" && r.roleName === "ReadOnly"));
 * ```
 */
export async function discover(
  runtime: Runtime,
  profile: SsoProfile,
  options: DiscoverOptions = {},
): Promise<DiscoveredRole[]> {
  const limiter = createRateLimiter({
    ratePerSecond: options.ratePerSecond ?? 20,
    now: runtime.now,
    sleep: runtime.sleep,
  });
  const limited = { maxRetryMs: 60_000, ...options, limiter };
  // An account or role that no ARN can name (the portal's answers are not trusted to be well
  // formed) is left out rather than failing every other one.
  const accounts = (await listAccounts(runtime, profile, limited)).filter((a) =>
    isAccountId(a.accountId)
  );
  let done = 0;
  const perAccount = await mapWithConcurrency(accounts, options.concurrency ?? 8, async (a) => {
    const roles = await listRoles(runtime, profile, a.accountId, limited);
    options.onProgress?.(++done, accounts.length);
    return roles.filter((r) => isPermissionSetName(r.roleName)).map((r): DiscoveredRole => ({
      accountId: a.accountId,
      ...(a.accountName !== undefined ? { accountName: a.accountName } : {}),
      roleName: r.roleName,
    }));
  });
  return perAccount.flat().sort((x, y) =>
    x.accountId.localeCompare(y.accountId) || x.roleName.localeCompare(y.roleName)
  );
}
