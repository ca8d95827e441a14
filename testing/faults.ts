/**
 * Fault injection for the fake AWS: the rule shapes, their validation and matching, a seedable
 * PRNG and a token bucket.
 *
 * @module
 */

/** The operations the fake AWS serves, named after their SDK commands in camelCase. */
export type FakeOperation =
  | "registerClient"
  | "startDeviceAuthorization"
  | "createToken"
  | "authorize"
  | "getRoleCredentials"
  | "listAccounts"
  | "listAccountRoles"
  | "logout"
  | "getCallerIdentity";

/** Every {@linkcode FakeOperation}, in a stable order. */
export const FAKE_OPERATIONS: readonly FakeOperation[] = [
  "registerClient",
  "startDeviceAuthorization",
  "createToken",
  "authorize",
  "getRoleCredentials",
  "listAccounts",
  "listAccountRoles",
  "logout",
  "getCallerIdentity",
];

/** The portal operations; the ones `rateLimit: number` and `throttleRatio` apply to. */
export const PORTAL_OPERATIONS: readonly FakeOperation[] = [
  "getRoleCredentials",
  "listAccounts",
  "listAccountRoles",
  "logout",
];

/**
 * What a fault does to a request:
 * - `internal`: HTTP 500 `InternalServerException` (STS: `InternalFailure`);
 * - `unavailable`: HTTP 503 `ServiceUnavailableException` (STS: `ServiceUnavailable`);
 * - `throttle`: HTTP 429 `TooManyRequestsException` (STS: 400 `Throttling`; SSO-OIDC, whose model
 *   has no such error: 400 `SlowDownException`), also counted as throttled;
 * - `slow_down`: HTTP 400 `SlowDownException` with OAuth error `slow_down`;
 * - `error`: the `status`, `errorType` and `message` of the rule, AWS-shaped;
 * - `delay`: waits `delayMs`, then serves the request normally (for client timeouts);
 * - `reset`: sends the status and headers and part of the body, then drops the connection;
 * - `truncate`: a well-formed HTTP response whose JSON body is cut in half;
 * - `malformed`: HTTP 200 with a body that is not JSON.
 */
export type FaultKind =
  | "internal"
  | "unavailable"
  | "throttle"
  | "slow_down"
  | "error"
  | "delay"
  | "reset"
  | "truncate"
  | "malformed";

/** Every {@linkcode FaultKind}. */
const FAULT_KINDS: readonly FaultKind[] = [
  "internal",
  "unavailable",
  "throttle",
  "slow_down",
  "error",
  "delay",
  "reset",
  "truncate",
  "malformed",
];

/**
 * One fault-injection rule. Rules are tried in order; the first that fires decides the
 * request. With neither `count` nor `ratio` a rule fires once.
 */
export interface FaultRule {
  /** The operation it applies to, or `*` for every operation. */
  op: FakeOperation | "*";
  /** What it does. */
  kind: FaultKind;
  /** Fire for at most this many requests (default 1 without `ratio`, unlimited with it). */
  count?: number;
  /** Fire for this fraction (0–1) of matching requests, drawn from the seeded PRNG. */
  ratio?: number;
  /** Let this many matching requests through before the rule can fire. Default 0. */
  skip?: number;
  /** For `delay`: how long to wait, in milliseconds. Default 5000. */
  delayMs?: number;
  /** For `error`: the HTTP status. Default 400. */
  status?: number;
  /** For `error`: the AWS error type, e.g. `UnauthorizedException`. Default `InvalidRequestException`. */
  errorType?: string;
  /** For `error`: the message. */
  message?: string;
}

/** A rule with its remaining budget. */
interface ActiveRule {
  rule: FaultRule;
  remaining: number;
  skip: number;
}

/**
 * Checks a list of fault rules from an untrusted source (JSON).
 *
 * @throws {TypeError} If a rule is malformed.
 */
export function validateFaultRules(rules: unknown): FaultRule[] {
  if (!Array.isArray(rules)) throw new TypeError("Cannot set faults: expected an array of rules");
  return rules.map((value, i) => {
    const where = `Cannot set faults: rule ${i}`;
    if (typeof value !== "object" || value === null) {
      throw new TypeError(`${where} is not an object`);
    }
    const r = value as Record<string, unknown>;
    if (r.op !== "*" && !FAKE_OPERATIONS.includes(r.op as FakeOperation)) {
      throw new TypeError(`${where} has an unknown op: ${JSON.stringify(r.op)}`);
    }
    if (!FAULT_KINDS.includes(r.kind as FaultKind)) {
      throw new TypeError(`${where} has an unknown kind: ${JSON.stringify(r.kind)}`);
    }
    const numbers = ["count", "ratio", "skip", "delayMs", "status"] as const;
    for (const key of numbers) {
      if (r[key] !== undefined && (typeof r[key] !== "number" || !(r[key] as number >= 0))) {
        throw new TypeError(`${where} has a bad ${key}: ${JSON.stringify(r[key])}`);
      }
    }
    if (r.ratio !== undefined && (r.ratio as number) > 1) {
      throw new TypeError(`${where} has a ratio above 1: ${r.ratio}`);
    }
    for (const key of ["errorType", "message"] as const) {
      if (r[key] !== undefined && typeof r[key] !== "string") {
        throw new TypeError(`${where} has a bad ${key}: ${JSON.stringify(r[key])}`);
      }
    }
    return { ...r } as unknown as FaultRule;
  });
}

/** The fault rules in force and their remaining budgets. */
export class FaultPlan {
  #rules: ActiveRule[] = [];
  #random: () => number;

  /** Uses `random` for `ratio` draws. */
  constructor(random: () => number) {
    this.#random = random;
  }

  /** Replaces the rules. */
  set(rules: readonly FaultRule[]): void {
    this.#rules = rules.map((rule) => ({
      rule,
      remaining: rule.count ?? (rule.ratio === undefined ? 1 : Infinity),
      skip: rule.skip ?? 0,
    }));
  }

  /** The rule that fires for a request to `op`, if any; spends its budget. */
  pick(op: FakeOperation): FaultRule | undefined {
    for (const active of this.#rules) {
      if (active.remaining <= 0 || (active.rule.op !== "*" && active.rule.op !== op)) continue;
      if (active.skip > 0) {
        active.skip--;
        continue;
      }
      if (active.rule.ratio !== undefined && this.#random() >= active.rule.ratio) continue;
      active.remaining--;
      return active.rule;
    }
    return undefined;
  }
}

/**
 * A seedable PRNG (mulberry32) giving numbers in [0, 1).
 *
 * @param seed Any 32-bit integer.
 */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A token bucket: `rate` tokens a second, holding at most `rate` (one second of burst). */
export class TokenBucket {
  #rate: number;
  #tokens: number;
  #last: number;
  #clock: () => number;

  /**
   * @param rate Requests per second.
   * @param clock A monotonic clock in milliseconds.
   */
  constructor(rate: number, clock: () => number) {
    this.#rate = rate;
    this.#tokens = rate;
    this.#clock = clock;
    this.#last = clock();
  }

  /** Takes one token; false if the bucket is empty. */
  take(): boolean {
    const now = this.#clock();
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
