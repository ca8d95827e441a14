import assert from "node:assert/strict";
import { setImmediate } from "node:timers";
import {
  callWithRetry,
  createRateLimiter,
  isRetryableError,
  isThrottlingError,
  mapWithConcurrency,
  NEVER_RETRY,
  type RateLimiter,
  type RetryOptions,
} from "../../src/portal/rate_limiter.ts";

/** An error as the AWS SDK rejects with: `name` is the AWS error type. */
function awsError(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    ...(status !== undefined ? { $metadata: { httpStatusCode: status } } : {}),
    ...extra,
  });
}

/**
 * Simulated time: `sleep` parks a promise until `run` moves the clock to it. No real time passes;
 * between timers, `run` lets every pending promise settle (`setImmediate`: a macrotask, so every
 * microtask runs first, without the clamp of nested `setTimeout(0)`).
 */
class SimClock {
  t = 0;
  #timers: { at: number; seq: number; resolve: () => void }[] = [];
  #seq = 0;
  now = (): number => this.t;
  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.#timers.push({ at: this.t + Math.max(0, ms), seq: this.#seq++, resolve });
    });
  /** Runs `work` to the end on simulated time. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(() => settled = true, () => settled = true);
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return work;
      if (this.#timers.length === 0) throw new Error("simulation stalled: no timer, no progress");
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const at = this.#timers[0]!.at;
      this.t = at;
      while (this.#timers[0]?.at === at) this.#timers.shift()!.resolve();
    }
  }
}

/** A seeded PRNG (mulberry32), so every simulated run is the same. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A clock that moves only when something sleeps: for code that awaits one thing at a time. */
function steppingClock() {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

Deno.test({
  name: "createRateLimiter() lets a burst through, then spaces calls at the rate",
  permissions: "none",
  async fn() {
    const clock = steppingClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 3, ...clock });
    const starts: number[] = [];
    for (let i = 0; i < 6; i++) {
      await limiter.acquire();
      starts.push(clock.t);
    }
    assert.deepEqual(starts, [0, 0, 0, 100, 200, 300]);
  },
});

Deno.test({
  name: "createRateLimiter() queues concurrent callers in order, one slot each",
  permissions: "none",
  async fn() {
    const sim = new SimClock();
    const limiter = createRateLimiter({
      ratePerSecond: 5,
      burst: 1,
      now: sim.now,
      sleep: sim.sleep,
    });
    const starts = await sim.run(Promise.all(
      Array.from({ length: 5 }, async () => {
        await limiter.acquire();
        return sim.t;
      }),
    ));
    assert.deepEqual(starts, [0, 200, 400, 600, 800]);
  },
});

Deno.test({
  name: "createRateLimiter() refills while idle, up to the burst",
  permissions: "none",
  async fn() {
    const clock = steppingClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 2, ...clock });
    await limiter.acquire();
    await limiter.acquire();
    clock.t += 10_000; // a long pause earns only `burst` tokens
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await limiter.acquire();
      starts.push(clock.t - 10_000);
    }
    assert.deepEqual(starts, [0, 0, 100]);
  },
});

Deno.test({
  name: "createRateLimiter() refuses a rate or burst that is not a positive number",
  permissions: "none",
  fn() {
    const clock = steppingClock();
    for (const ratePerSecond of [0, -1, NaN, Infinity]) {
      assert.throws(() => createRateLimiter({ ratePerSecond, ...clock }), TypeError);
    }
    assert.throws(() => createRateLimiter({ ratePerSecond: 1, burst: 0, ...clock }), TypeError);
  },
});

Deno.test({
  name: "createRateLimiter() does not slow down for scattered throttles",
  permissions: "none",
  fn() {
    const clock = steppingClock();
    const limiter = createRateLimiter({ ratePerSecond: 20, ...clock });
    const random = seeded(1);
    for (let i = 0; i < 2_000; i++) {
      clock.t += 50;
      if (random() < 0.3) limiter.onThrottle();
      else limiter.onSuccess();
    }
    assert.equal(limiter.currentRate(), 20);
  },
});

Deno.test({
  name: "createRateLimiter() halves the rate on sustained throttling, at most once a second",
  permissions: "none",
  fn() {
    const clock = steppingClock();
    const limiter = createRateLimiter({ ratePerSecond: 16, minRatePerSecond: 2, ...clock });
    const rates: number[] = [];
    for (let i = 0; i < 100; i++) {
      clock.t += 50; // 20 throttles a second
      limiter.onThrottle();
      rates.push(limiter.currentRate());
    }
    // The moving average passes one half at the 28th throttle; then once per 1,000 ms.
    assert.equal(rates[26], 16);
    assert.equal(rates[27], 8);
    assert.equal(rates[46], 8);
    assert.equal(rates[47], 4);
    assert.equal(rates[67], 2);
    assert.equal(rates[99], 2, "never under minRatePerSecond");
  },
});

Deno.test({
  name: "createRateLimiter() creeps back to the full rate in 20 successes from half",
  permissions: "none",
  fn() {
    const clock = steppingClock();
    const limiter = createRateLimiter({ ratePerSecond: 20, ...clock });
    for (let i = 0; i < 28; i++) limiter.onThrottle();
    assert.equal(limiter.currentRate(), 10);
    for (let i = 0; i < 19; i++) limiter.onSuccess();
    assert.ok(limiter.currentRate() < 20);
    limiter.onSuccess();
    assert.equal(limiter.currentRate(), 20);
    limiter.onSuccess();
    assert.equal(limiter.currentRate(), 20, "never above ratePerSecond");
  },
});

Deno.test({
  name: "createRateLimiter() shrinks the burst with the rate",
  permissions: "none",
  async fn() {
    const clock = steppingClock();
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 10, ...clock });
    for (let i = 0; i < 28; i++) limiter.onThrottle(); // halved to 5 a second
    assert.equal(limiter.currentRate(), 5);
    clock.t += 60_000;
    const starts: number[] = [];
    for (let i = 0; i < 7; i++) {
      await limiter.acquire();
      starts.push(clock.t - 60_000);
    }
    assert.deepEqual(starts, [0, 0, 0, 0, 0, 200, 400]);
  },
});

Deno.test({
  name: "createRateLimiter() gives a throttled call's token back",
  permissions: "none",
  async fn() {
    const clock = steppingClock();
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 1, ...clock });
    await limiter.acquire();
    limiter.onThrottle();
    await limiter.acquire();
    assert.equal(clock.t, 0, "the retry did not wait for the next token");
    await limiter.acquire();
    assert.equal(clock.t, 1_000);
  },
});

/** Options for callWithRetry on a stepping clock, with the middle of every jitter range. */
function retryOptions(clock: ReturnType<typeof steppingClock>, extra: Partial<RetryOptions> = {}) {
  return { now: clock.now, sleep: clock.sleep, random: () => 0.5, ...extra };
}

/** A call that fails with `errors` in turn, then resolves to `"ok"`. */
function failing(...errors: unknown[]) {
  const calls: number[] = [];
  const fn = (attempt: number) => {
    calls.push(attempt);
    const err = errors[attempt - 1];
    return err === undefined ? Promise.resolve("ok") : Promise.reject(err);
  };
  return { fn, calls };
}

Deno.test({
  name: "callWithRetry() backs off with full jitter, doubling up to maxDelayMs",
  permissions: "none",
  async fn() {
    const clock = steppingClock();
    const { fn, calls } = failing(...Array(7).fill(awsError("TooManyRequestsException", 429)));
    const result = await callWithRetry(
      fn,
      retryOptions(clock, { baseDelayMs: 100, maxDelayMs: 1_000 }),
    );
    assert.equal(result, "ok");
    assert.deepEqual(calls, [1, 2, 3, 4, 5, 6, 7, 8]);
    // random() = 0.5: half of 100, 200, 400, 800, then the 1,000 cap.
    assert.deepEqual(clock.sleeps, [50, 100, 200, 400, 500, 500, 500]);
  },
});

Deno.test({
  name: "callWithRetry() waits a random share of the cap, from 0 up to it",
  permissions: "none",
  async fn(t) {
    for (const [random, delay] of [[0, 0], [0.999, 399]] as const) {
      await t.step(`random() = ${random}`, async () => {
        const clock = steppingClock();
        const { fn } = failing(awsError("InternalServerException", 500));
        await callWithRetry(fn, retryOptions(clock, { baseDelayMs: 400, random: () => random }));
        assert.deepEqual(clock.sleeps, [delay]);
      });
    }
  },
});

Deno.test({
  name:
    "callWithRetry() never retries UnauthorizedException, ForbiddenException, ResourceNotFoundException, InvalidRequestException",
  permissions: "none",
  async fn(t) {
    for (
      const name of [
        "UnauthorizedException",
        "ForbiddenException",
        "ResourceNotFoundException",
        "InvalidRequestException",
      ]
    ) {
      await t.step(name, async () => {
        assert.ok(NEVER_RETRY.has(name));
        const clock = steppingClock();
        const err = awsError(name, name === "UnauthorizedException" ? 401 : 400);
        const { fn, calls } = failing(err);
        // Not even when the caller's own rule says yes.
        await assert.rejects(
          () => callWithRetry(fn, retryOptions(clock, { isRetryable: () => true })),
          (e) => e === err,
        );
        assert.deepEqual(calls, [1]);
        assert.deepEqual(clock.sleeps, []);
      });
    }
  },
});

Deno.test({
  name: "callWithRetry() retries 5xx, throttling and network faults by default",
  permissions: "none",
  async fn(t) {
    const cases: [string, unknown][] = [
      ["TooManyRequestsException", awsError("TooManyRequestsException", 429)],
      ["ThrottlingException", awsError("ThrottlingException", 400)],
      ["InternalServerException", awsError("InternalServerException", 500)],
      ["unnamed 503", awsError("Error", 503)],
      ["ECONNRESET", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
      ["TimeoutError", awsError("TimeoutError")],
      ["SDK $retryable mark", awsError("SomethingTransient", undefined, { $retryable: {} })],
    ];
    for (const [name, err] of cases) {
      await t.step(name, async () => {
        const clock = steppingClock();
        const { fn, calls } = failing(err, err);
        assert.equal(await callWithRetry(fn, retryOptions(clock)), "ok");
        assert.deepEqual(calls, [1, 2, 3]);
      });
    }
  },
});

Deno.test({
  name: "callWithRetry() does not retry other errors by default",
  permissions: "none",
  async fn(t) {
    const cases: [string, unknown][] = [
      ["plain Error", new Error("bug")],
      ["TypeError", new TypeError("x is undefined")],
      ["400 validation", awsError("ValidationException", 400)],
      ["a string", "boom"],
      ["null", null],
    ];
    for (const [name, err] of cases) {
      await t.step(name, async () => {
        const { fn, calls } = failing(err);
        await assert.rejects(() => callWithRetry(fn, retryOptions(steppingClock())));
        assert.deepEqual(calls, [1]);
      });
    }
  },
});

Deno.test({
  name: "callWithRetry() gives up after maxAttempts with the last error",
  permissions: "none",
  async fn() {
    const errors = [1, 2, 3, 4].map((i) => awsError("InternalServerException", 500 + i));
    const { fn, calls } = failing(...errors);
    await assert.rejects(
      () => callWithRetry(fn, retryOptions(steppingClock(), { maxAttempts: 3 })),
      (e) => e === errors[2],
    );
    assert.deepEqual(calls, [1, 2, 3]);
  },
});

Deno.test({
  name: "callWithRetry() gives up before a wait that would pass maxTotalMs",
  permissions: "none",
  async fn() {
    const clock = steppingClock();
    const { fn, calls } = failing(...Array(20).fill(awsError("TooManyRequestsException", 429)));
    await assert.rejects(() =>
      callWithRetry(
        fn,
        retryOptions(clock, {
          maxAttempts: 100,
          baseDelayMs: 1_000,
          maxDelayMs: 1_000,
          maxTotalMs: 2_200,
        }),
      )
    );
    // Waits of 500 ms: after 0, 500, 1,000, 1,500; at 2,000 a wait would end at 2,500.
    assert.deepEqual(calls, [1, 2, 3, 4, 5]);
    assert.equal(clock.t, 2_000);
  },
});

Deno.test({
  name: "callWithRetry() tells onRetry of each retry",
  permissions: "none",
  async fn() {
    const events: unknown[] = [];
    const err = awsError("TooManyRequestsException", 429);
    const { fn } = failing(err);
    await callWithRetry(fn, retryOptions(steppingClock(), { onRetry: (e) => events.push(e) }));
    assert.deepEqual(events, [{ attempt: 1, delayMs: 100, throttled: true, error: err }]);
  },
});

Deno.test({
  name: "callWithRetry() acquires from the limiter before every attempt and reports outcomes",
  permissions: "none",
  async fn() {
    const log: string[] = [];
    const limiter: RateLimiter = {
      acquire: () => (log.push("acquire"), Promise.resolve()),
      onSuccess: () => void log.push("success"),
      onThrottle: () => void log.push("throttle"),
      currentRate: () => 1,
    };
    const { fn } = failing(
      awsError("TooManyRequestsException", 429),
      awsError("InternalServerException", 500),
    );
    await callWithRetry(fn, retryOptions(steppingClock(), { limiter }));
    assert.deepEqual(log, ["acquire", "throttle", "acquire", "acquire", "success"]);
  },
});

Deno.test({
  name: "isThrottlingError() and isRetryableError() classify AWS errors",
  permissions: "none",
  async fn(t) {
    const cases: [string, unknown, boolean, boolean][] = [
      ["TooManyRequestsException", awsError("TooManyRequestsException", 429), true, true],
      ["bare 429", awsError("Error", 429), true, true],
      ["SDK throttling mark", awsError("X", 400, { $retryable: { throttling: true } }), true, true],
      ["InternalServerException", awsError("InternalServerException", 500), false, true],
      ["502", awsError("Error", 502), false, true],
      ["ETIMEDOUT", Object.assign(new Error("t"), { code: "ETIMEDOUT" }), false, true],
      ["UnauthorizedException", awsError("UnauthorizedException", 401), false, false],
      ["ForbiddenException", awsError("ForbiddenException", 403), false, false],
      ["ResourceNotFoundException", awsError("ResourceNotFoundException", 404), false, false],
      ["InvalidRequestException", awsError("InvalidRequestException", 400), false, false],
      ["UnauthorizedException as a 500", awsError("UnauthorizedException", 500), false, false],
      ["undefined", undefined, false, false],
    ];
    for (const [name, err, throttling, retryable] of cases) {
      await t.step(name, () => {
        assert.equal(isThrottlingError(err), throttling);
        assert.equal(isRetryableError(err), retryable);
      });
    }
  },
});

Deno.test({
  name: "mapWithConcurrency() keeps the order and the limit",
  permissions: "none",
  async fn() {
    const sim = new SimClock();
    let running = 0;
    let most = 0;
    const out = await sim.run(mapWithConcurrency([50, 10, 30, 20, 40, 0], 3, async (ms, i) => {
      most = Math.max(most, ++running);
      await sim.sleep(ms);
      running--;
      return `${i}:${ms}`;
    }));
    assert.deepEqual(out, ["0:50", "1:10", "2:30", "3:20", "4:40", "5:0"]);
    assert.equal(most, 3);
  },
});

Deno.test({
  name: "mapWithConcurrency() stops starting items after a failure and waits for those running",
  permissions: "none",
  async fn() {
    const sim = new SimClock();
    const started: number[] = [];
    const finished: number[] = [];
    const boom = new Error("boom");
    const work = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      await sim.sleep(i === 1 ? 10 : 100);
      if (i === 1) throw boom;
      finished.push(i);
      return i;
    });
    await assert.rejects(() => sim.run(work), (e) => e === boom);
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(finished, [0], "the running call was waited for");
  },
});

Deno.test({
  name: "mapWithConcurrency() handles no items and refuses a bad limit",
  permissions: "none",
  async fn() {
    assert.deepEqual(await mapWithConcurrency([], 4, () => Promise.resolve(1)), []);
    for (const limit of [0, -1, 1.5, NaN]) {
      await assert.rejects(
        () => mapWithConcurrency([1], limit, () => Promise.resolve(1)),
        TypeError,
      );
    }
  },
});

/** How a simulated discovery went. */
interface Discovery {
  seconds: number;
  roles: number;
  calls: number;
  throttled: number;
  lowestRate: number;
}

/**
 * A simulated discovery against a fake portal: `ListAccounts` pages of 100, then
 * `ListAccountRoles` (3 roles) for every account, 8 at once, all through one limiter and
 * callWithRetry. The portal admits `limit` calls a second (a token bucket with a one-second burst)
 * and throttles `randomThrottle` of the calls at random besides; a throttled call, random or not,
 * uses none of the quota. Each call takes 50–250 ms.
 */
async function simulateDiscovery(options: {
  accounts: number;
  limit: number;
  randomThrottle: number;
  ratePerSecond: number;
  seed: number;
}): Promise<Discovery> {
  const sim = new SimClock();
  const random = seeded(options.seed);
  let quota = options.limit;
  let refilledAt = 0;
  let calls = 0;
  let throttled = 0;
  async function portal<T>(answer: () => T): Promise<T> {
    calls++;
    await sim.sleep(25 + random() * 100);
    quota = Math.min(options.limit, quota + ((sim.t - refilledAt) / 1000) * options.limit);
    refilledAt = sim.t;
    const refused = random() < options.randomThrottle || quota < 1;
    if (!refused) quota -= 1;
    await sim.sleep(25 + random() * 100);
    if (refused) {
      throttled++;
      throw awsError("TooManyRequestsException", 429);
    }
    return answer();
  }
  const limiter = createRateLimiter({
    ratePerSecond: options.ratePerSecond,
    now: sim.now,
    sleep: sim.sleep,
  });
  let lowestRate = limiter.currentRate();
  const retry: RetryOptions = {
    limiter,
    maxAttempts: 15,
    baseDelayMs: 200,
    maxDelayMs: 5_000,
    maxTotalMs: 60_000,
    random,
    now: sim.now,
    sleep: sim.sleep,
    onRetry: () => void (lowestRate = Math.min(lowestRate, limiter.currentRate())),
  };
  const ids = Array.from({ length: options.accounts }, (_, i) => String(100000000000 + i));
  const work = (async () => {
    const accounts: string[] = [];
    let next: number | undefined = 0;
    while (next !== undefined) {
      const from: number = next;
      const page = await callWithRetry(() =>
        portal(() => ({
          items: ids.slice(from, from + 100),
          nextToken: from + 100 < ids.length ? from + 100 : undefined,
        })), retry);
      accounts.push(...page.items);
      next = page.nextToken;
    }
    const roles = await mapWithConcurrency(accounts, 8, (accountId) =>
      callWithRetry(
        () =>
          portal(() =>
            ["Admin", "ReadOnly", "Billing"].map((roleName) => ({ accountId, roleName }))
          ),
        retry,
      ));
    return roles.flat().length;
  })();
  const roles = await sim.run(work);
  return { seconds: sim.t / 1000, roles, calls, throttled, lowestRate };
}

Deno.test({
  name:
    "discovery of 1,000 accounts at 20 calls/s with 30% random throttling ends within 1.5× the 50 s floor",
  permissions: "none",
  async fn() {
    const run = await simulateDiscovery({
      accounts: 1_000,
      limit: 20,
      randomThrottle: 0.3,
      ratePerSecond: 20,
      seed: 42,
    });
    console.log("simulated discovery:", JSON.stringify(run));
    assert.equal(run.roles, 3_000);
    // 1,010 calls (10 pages + 1,000 accounts) at 20 a second cannot take under 50.5 s.
    assert.ok(run.seconds >= 50, `${run.seconds} s`);
    assert.ok(run.seconds <= 75, `${run.seconds} s`);
  },
});

Deno.test({
  name:
    "discovery against a quota of 10 calls/s with the limiter at 20 halves the rate and keeps the quota busy",
  permissions: "none",
  async fn() {
    const run = await simulateDiscovery({
      accounts: 1_000,
      limit: 10,
      randomThrottle: 0,
      ratePerSecond: 20,
      seed: 7,
    });
    assert.equal(run.roles, 3_000);
    assert.ok(run.lowestRate <= 10, `lowest rate ${run.lowestRate}`);
    // 1,010 calls at 10 a second: 101 s at best.
    assert.ok(run.seconds <= 1.5 * 101, `${run.seconds} s`);
  },
});
