/**
 * Running portal calls with a valid token: retries for throttling and faults, and one new
 * sign-in (then one retry) when the portal refuses the token.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import type { Runtime } from "../runtime.ts";
import { getSsoToken, type GetSsoTokenOptions } from "../token/get_sso_token.ts";
import type { PortalApi } from "./portal_api.ts";
import { portalFor } from "./portal_for.ts";
import { isUnauthorized, portalError } from "./portal_errors.ts";
import { callWithRetry, type RateLimiter } from "./rate_limiter.ts";

/** What a portal call gets. */
export interface PortalCall<T> {
  (portal: PortalApi, accessToken: string): Promise<T>;
}

/** Options of the calls that need an SSO token: `getRoleCredentials`, `listAccounts`, … */
export interface WithSsoTokenOptions extends GetSsoTokenOptions {
  /** The longest time spent retrying one call (default 30 s). */
  maxRetryMs?: number;
  /** A rate limit shared by many calls (discovery). */
  limiter?: RateLimiter;
  /** The portal client, when the caller started building it early (default: built here). */
  portal?: Promise<PortalApi>;
}

/**
 * Runs `call` with the portal client and a valid access token of `profile`. Throttling, 5xx and
 * network faults are retried with jittered backoff for a bounded time; an `UnauthorizedException`
 * means the token is dead: one sign-in (shared with concurrent processes), then one retry.
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @param what the operation, for messages
 * @param call the portal call
 * @param options sign-in policy and retry bound
 * @returns what `call` returns
 * @throws {SsoError} one clear error when the call cannot succeed
 */
export async function withSsoToken<T>(
  runtime: Runtime,
  profile: SsoProfile,
  what: string,
  call: PortalCall<T>,
  options: WithSsoTokenOptions = {},
): Promise<T> {
  // The token is read while the client loads (its SDK takes most of a portal call's time); a
  // sign-in waits for the client, so that one that cannot be built is reported first.
  const loading = options.portal ?? portalFor(runtime, profile);
  loading.catch(() => {}); // awaited below
  const token = await getSsoToken(runtime, profile, {
    ...options,
    beforeSignIn: async () => {
      await options.beforeSignIn?.();
      await loading;
    },
  });
  const portal = await loading;
  const attempt = (accessToken: string) =>
    callWithRetry(() => call(portal, accessToken), {
      maxAttempts: 15,
      baseDelayMs: 200,
      maxDelayMs: 5_000,
      maxTotalMs: options.maxRetryMs ?? 30_000,
      sleep: runtime.sleep,
      now: runtime.now,
      ...(options.limiter ? { limiter: options.limiter } : {}),
    });
  try {
    return await attempt(token.accessToken);
  } catch (err) {
    if (!isUnauthorized(err)) throw portalError(err, what);
    const renewed = await getSsoToken(runtime, profile, {
      ...options,
      rejected: token.accessToken,
    });
    try {
      return await attempt(renewed.accessToken);
    } catch (err2) {
      throw portalError(err2, what);
    }
  }
}
