/**
 * Staying within the SSO portal's request quota (about 20 calls a second, users.md) when
 * discovery lists the roles of hundreds of accounts: a client-side token bucket that slows down
 * when throttling is sustained, a retry helper with full-jitter exponential backoff, and a
 * concurrency-limited map. Time is injected (`now`, `sleep`), so tests run on a simulated clock.
 *
 * @module
 */

import { isUnreadableAnswer } from "../aws_error.ts";

/** Options of {@linkcode createRateLimiter}. */
export interface RateLimiterOptions {
  /** Calls per second to allow at most; the limiter starts here and never goes above it. */
  ratePerSecond: number;
  /**
   * Calls allowed at once after a quiet spell, at the full rate (default: one second's worth, at
   * least 1). It shrinks with the rate: after a halving, half of it.
   */
  burst?: number;
  /** The rate that sustained throttling cannot push it under (default: 1, or `ratePerSecond` if lower). */
  minRatePerSecond?: number;
  /** The current time, epoch milliseconds. */
  now: () => number;
  /** Waits `ms` milliseconds. */
  sleep: (ms: number) => Promise<void>;
}

/** A client-side rate limit shared by every call to one service. */
export interface RateLimiter {
  /** Resolves when the next call may start (at once while there are tokens). */
  acquire(): Promise<void>;
  /** Reports a call that succeeded: the rate creeps back up towards `ratePerSecond`. */
  onSuccess(): void;
  /** Reports a call the service throttled (HTTP 429): see {@linkcode createRateLimiter}. */
  onThrottle(): void;
  /** The rate in force now, calls per second. */
  currentRate(): number;
}

/** Outcomes the throttle ratio is averaged over (an exponentially weighted mean). */
const WINDOW = 40;
/** The share of throttled calls above which throttling counts as sustained. */
const SUSTAINED = 0.5;
/** The least time between two halvings, so one burst of 429s halves the rate once. */
const COOLDOWN_MS = 1_000;
/** Successes that bring the rate from half back to the full `ratePerSecond`. */
const RECOVERY_SUCCESSES = 20;

/**
 * A token bucket with an AIMD rate: at most `ratePerSecond` calls a second (with a burst of
 * `burst`); calls beyond that wait in `acquire()`, in the order they asked.
 *
 * On throttling (`onThrottle()`):
 * - The throttled call gives its token back. Like the service's own token bucket, the limiter
 *   counts the calls that got through, so throttling that slowing down cannot cure (another
 *   client sharing the quota, the service shedding load) does not also eat into the budget.
 * - Multiplicative decrease: the rate halves (not under `minRatePerSecond`) when throttling is
 *   sustained, meaning at least half of the recent calls (a moving average over about 40) were
 *   throttled, and at most once a second. Halving on every 429 is the textbook rule, but a
 *   simulated 1,000-account discovery at a 20 calls/s quota with 30% of calls throttled at random
 *   then takes about 150 s (430 s without the once-a-second limit) instead of about 54 s. The
 *   price: against a quota below `ratePerSecond` and no random throttling, it settles at up to
 *   twice the quota, with up to half the calls throttled (and retried); throughput stays at the
 *   quota.
 *
 * Additive increase (`onSuccess()`): each success adds `ratePerSecond / 40`, so the rate climbs
 * from half back to full in 20 successes.
 *
 * @param options the rate, burst, floor and clock
 * @returns the limiter
 * @throws {TypeError} when a rate or the burst is not a positive finite number
 * @example Three calls at 2 a second with a burst of 1, on a simulated clock
 * ```ts
 * import { createRateLimiter } from "@ssokit/aws-sso";
 * import assert from "node:assert/strict";
 *
 * let t = 0;
 * const limiter = createRateLimiter({
 *   ratePerSecond: 2,
 *   burst: 1,
 *   now: () => t,
 *   sleep: (ms) => {
 *     t += ms;
 *     return Promise.resolve();
 *   },
 * });
 * const started: number[] = [];
 * for (let i = 0; i < 3; i++) {
 *   await limiter.acquire();
 *   started.push(t);
 * }
 * assert.deepEqual(started, [0, 500, 1000]);
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const max = options.ratePerSecond;
  positive("ratePerSecond", max);
  const burst = options.burst ?? Math.max(1, Math.ceil(max));
  positive("burst", burst);
  const min = Math.min(options.minRatePerSecond ?? 1, max);
  positive("minRatePerSecond", min);
  const { now, sleep } = options;

  let rate = max;
  let tokens = burst;
  let refilledAt = now();
  let throttleRatio = 0;
  let halvedAt = -Infinity;

  /** The most tokens the bucket holds at the rate in force. */
  function capacity(): number {
    return Math.max(1, (burst * rate) / max);
  }

  /** Adds the tokens earned since the last refill, at the rate in force. */
  function refill(): void {
    const t = now();
    tokens = Math.min(capacity(), tokens + ((t - refilledAt) / 1000) * rate);
    refilledAt = t;
  }

  return {
    async acquire() {
      refill();
      tokens -= 1;
      // A negative balance is the queue: each waiter reserved its slot when it asked.
      if (tokens < 0) await sleep(Math.ceil((-tokens / rate) * 1000));
    },
    onSuccess() {
      refill();
      throttleRatio -= throttleRatio / WINDOW;
      rate = Math.min(max, rate + max / (2 * RECOVERY_SUCCESSES));
    },
    onThrottle() {
      refill();
      tokens = Math.min(capacity(), tokens + 1);
      throttleRatio += (1 - throttleRatio) / WINDOW;
      const t = now();
      if (throttleRatio >= SUSTAINED && t - halvedAt >= COOLDOWN_MS) {
        rate = Math.max(min, rate / 2);
        halvedAt = t;
      }
    },
    currentRate() {
      return rate;
    },
  };
}

/** Options of {@linkcode callWithRetry}. */
export interface RetryOptions {
  /**
   * Whether an error is worth another attempt (default {@linkcode isRetryableError}). Errors
   * named in {@linkcode NEVER_RETRY} are never retried, whatever this says.
   */
  isRetryable?: (err: unknown) => boolean;
  /** Attempts in all, the first included (default 10). */
  maxAttempts?: number;
  /** The backoff cap of the first retry; it doubles with each retry (default 200 ms). */
  baseDelayMs?: number;
  /** The largest backoff cap (default 5,000 ms). */
  maxDelayMs?: number;
  /** No retry starts a wait that would end more than this after the first attempt (default 60 s). */
  maxTotalMs?: number;
  /** A number in [0, 1) (default `Math.random`). */
  random?: () => number;
  /** Waits `ms` milliseconds. */
  sleep: (ms: number) => Promise<void>;
  /** The current time, epoch milliseconds. */
  now: () => number;
  /** Acquired before every attempt and told of successes and throttles (default: none). */
  limiter?: RateLimiter;
  /** Told of each retry before its wait, e.g. for a debug line (default: nothing). */
  onRetry?: (retry: RetryEvent) => void;
}

/** What {@linkcode RetryOptions.onRetry} is told. */
export interface RetryEvent {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** The wait before the next attempt, ms. */
  delayMs: number;
  /** Whether the failure was throttling. */
  throttled: boolean;
  /** The error of the failed attempt. */
  error: unknown;
}

/**
 * Error names that are never retried: a refused token, a role not granted, a bad request. Another
 * attempt would fail the same way.
 */
export const NEVER_RETRY: ReadonlySet<string> = new Set([
  "UnauthorizedException",
  "ForbiddenException",
  "ResourceNotFoundException",
  "InvalidRequestException",
  "AccessDeniedException",
]);

const THROTTLING = new Set([
  "TooManyRequestsException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "RequestLimitExceeded",
  "SlowDown",
  // SSO-OIDC's way of saying it (its model has no TooManyRequestsException).
  "SlowDownException",
]);

const TRANSIENT = new Set([
  "InternalServerException",
  "InternalFailure",
  "InternalError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);

/** Node.js socket error codes of a failed connection (the SDK's HTTP handler rejects with them). */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * Whether an error is the service throttling: an AWS throttling error name
 * (`TooManyRequestsException`, `ThrottlingException`, …), HTTP status 429, or the SDK's
 * `$retryable.throttling` mark.
 *
 * @param err what a call rejected with
 * @returns whether it is throttling
 * @example
 * ```ts
 * import { isThrottlingError } from "./rate_limiter.ts";
 * import assert from "node:assert/strict";
 *
 * const err = Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" });
 * assert.equal(isThrottlingError(err), true);
 * assert.equal(isThrottlingError(new Error("boom")), false);
 * ```
 */
export function isThrottlingError(err: unknown): boolean {
  const e = asRecord(err);
  if (!e) return false;
  if (typeof e.name === "string" && THROTTLING.has(e.name)) return true;
  if (statusOf(e) === 429) return true;
  return asRecord(e.$retryable)?.throttling === true;
}

/**
 * The default retry rule of {@linkcode callWithRetry}: retry throttling, 5xx answers
 * (`InternalServerException`, `$metadata.httpStatusCode >= 500`), timeouts and network faults
 * (`ECONNRESET`, `ETIMEDOUT`, … in `code`, or the SDK's `$retryable` mark), and answers that
 * could not be read (a connection dropped mid-body, truncated or malformed JSON); never the
 * errors in {@linkcode NEVER_RETRY}, nor anything else. Every call retried with it is a read (the
 * portal's GetRoleCredentials and listings), so repeating one is safe.
 *
 * @param err what a call rejected with
 * @returns whether another attempt may succeed
 * @example
 * ```ts
 * import { isRetryableError } from "./rate_limiter.ts";
 * import assert from "node:assert/strict";
 *
 * const named = (name: string) => Object.assign(new Error(name), { name });
 * assert.equal(isRetryableError(named("TooManyRequestsException")), true);
 * assert.equal(isRetryableError(named("InternalServerException")), true);
 * assert.equal(isRetryableError(named("UnauthorizedException")), false);
 * ```
 */
export function isRetryableError(err: unknown): boolean {
  const e = asRecord(err);
  if (!e) return false;
  const name = typeof e.name === "string" ? e.name : "";
  if (NEVER_RETRY.has(name)) return false;
  if (isThrottlingError(err) || TRANSIENT.has(name)) return true;
  const status = statusOf(e);
  if (status !== undefined && status >= 500) return true;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  if (isUnreadableAnswer(err)) return true;
  return asRecord(e.$retryable) !== undefined;
}

/**
 * Calls `fn` until it succeeds, retrying what `isRetryable` allows with full-jitter exponential
 * backoff: before retry n (from 1) it waits a random time in [0, min(maxDelayMs, baseDelayMs ×
 * 2^(n−1))). With a `limiter`, every attempt first acquires from it, and each success or throttle
 * is reported to it.
 *
 * It gives up, rethrowing the last error unchanged, when the error is not retryable, after
 * `maxAttempts` attempts, or when the next wait would end more than `maxTotalMs` after the first
 * attempt started.
 *
 * @typeParam T what `fn` resolves to
 * @param fn the call; it is told the attempt number, from 1
 * @param options retry rule, bounds, clock and limiter
 * @returns what `fn` resolved to
 * @throws the last error of `fn` when it gives up
 * @example A call throttled twice, on a simulated clock
 * ```ts
 * import { callWithRetry } from "./rate_limiter.ts";
 * import assert from "node:assert/strict";
 *
 * let t = 0;
 * const result = await callWithRetry((attempt) => {
 *   if (attempt < 3) {
 *     return Promise.reject(Object.assign(new Error("Rate exceeded"), {
 *       name: "TooManyRequestsException",
 *     }));
 *   }
 *   return Promise.resolve("ok");
 * }, {
 *   random: () => 0.5,
 *   now: () => t,
 *   sleep: (ms) => {
 *     t += ms;
 *     return Promise.resolve();
 *   },
 * });
 * assert.equal(result, "ok");
 * assert.equal(t, 100 + 200); // half of 200 ms, then half of 400 ms
 * ```
 */
export async function callWithRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const isRetryable = options.isRetryable ?? isRetryableError;
  const maxAttempts = options.maxAttempts ?? 10;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const maxTotalMs = options.maxTotalMs ?? 60_000;
  const random = options.random ?? Math.random;
  const { limiter, now, sleep } = options;
  const start = now();
  for (let attempt = 1;; attempt++) {
    if (limiter) await limiter.acquire();
    let result: T;
    try {
      result = await fn(attempt);
    } catch (err) {
      const throttled = isThrottlingError(err);
      if (throttled) limiter?.onThrottle();
      if (attempt >= maxAttempts || NEVER_RETRY.has(nameOf(err)) || !isRetryable(err)) throw err;
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.floor(random() * cap);
      if (now() + delayMs - start > maxTotalMs) throw err;
      options.onRetry?.({ attempt, delayMs, throttled, error: err });
      await sleep(delayMs);
      continue;
    }
    limiter?.onSuccess();
    return result;
  }
}

/**
 * Maps `items` through `fn` with at most `limit` calls running at once, keeping the order of
 * `items` in the result. When a call rejects, no further item is started; the calls already
 * running are waited for, then the first error is thrown.
 *
 * @typeParam T an item
 * @typeParam R what `fn` resolves to
 * @param items the inputs
 * @param limit the most calls in flight, a positive integer
 * @param fn the call, told the item and its index
 * @returns the results, in the order of `items`
 * @throws {TypeError} when `limit` is not a positive integer
 * @throws the first error of `fn`
 * @example
 * ```ts
 * import { mapWithConcurrency } from "./rate_limiter.ts";
 * import assert from "node:assert/strict";
 *
 * let running = 0;
 * let most = 0;
 * const doubled = await mapWithConcurrency([1, 2, 3, 4, 5], 2, async (n) => {
 *   most = Math.max(most, ++running);
 *   await Promise.resolve();
 *   running--;
 *   return n * 2;
 * });
 * assert.deepEqual(doubled, [2, 4, 6, 8, 10]);
 * assert.equal(most, 2);
 * ```
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`Invalid concurrency limit ${limit}: expected a positive integer`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  async function worker(): Promise<void> {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}

/** Throws a TypeError unless `value` is a positive finite number. */
function positive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new TypeError(`Invalid ${name} ${value}: expected a positive number`);
  }
}

/** The object behind an error, or `undefined` for a primitive. */
function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" ? value as Record<string, unknown> : undefined;
}

/** The error's `name`, or `""`. */
function nameOf(err: unknown): string {
  const name = asRecord(err)?.name;
  return typeof name === "string" ? name : "";
}

/** `$metadata.httpStatusCode`, as the AWS SDK sets it. */
function statusOf(e: Record<string, unknown>): number | undefined {
  const status = asRecord(e.$metadata)?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}
