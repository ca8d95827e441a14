/**
 * Retrying the OIDC calls that are safe to repeat.
 *
 * @module
 */

import { callWithRetry } from "../portal/rate_limiter.ts";
import type { Runtime } from "../runtime.ts";

/**
 * Calls an OIDC operation riding out a passing fault: 5xx, a dropped or spoilt answer, throttling
 * (SSO-OIDC's SlowDownException). RegisterClient and StartDeviceAuthorization create something
 * new each time, so repeating them is safe; a refresh repeated after the service served it (its
 * answer lost) spends an old refresh token and is refused, which the caller handles as any
 * refusal. A few attempts within 10 s: a person is waiting.
 */
export async function withOidcRetry<T>(runtime: Runtime, call: () => Promise<T>): Promise<T> {
  return await callWithRetry(call, {
    maxAttempts: 4,
    baseDelayMs: 500,
    maxDelayMs: 4_000,
    maxTotalMs: 10_000,
    sleep: runtime.sleep,
    now: runtime.now,
  });
}
