import assert from "node:assert/strict";
import { createPrng, FaultPlan, TokenBucket, validateFaultRules } from "../../testing/faults.ts";

Deno.test("createPrng() repeats its sequence for a seed and stays in [0, 1)", {
  permissions: "none",
}, () => {
  const a = createPrng(42);
  const b = createPrng(42);
  const c = createPrng(43);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(Array.from({ length: 1000 }, () => b()), xs);
  assert.notDeepEqual(Array.from({ length: 1000 }, () => c()), xs);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05);
});

Deno.test(
  "FaultPlan.pick() tries rules in order and spends their budgets",
  { permissions: "none" },
  () => {
    const plan = new FaultPlan(createPrng(1));
    plan.set([
      { op: "listAccounts", kind: "internal", count: 1 },
      { op: "*", kind: "throttle", count: 2 },
    ]);
    assert.equal(plan.pick("listAccounts")?.kind, "internal");
    assert.equal(plan.pick("listAccounts")?.kind, "throttle");
    assert.equal(plan.pick("createToken")?.kind, "throttle");
    assert.equal(plan.pick("listAccounts"), undefined);
    plan.set([]);
    assert.equal(plan.pick("listAccounts"), undefined);
  },
);

Deno.test("FaultPlan.pick() fires a ratio rule for about that share, up to its count", {
  permissions: "none",
}, () => {
  const plan = new FaultPlan(createPrng(5));
  plan.set([{ op: "getRoleCredentials", kind: "throttle", ratio: 0.25 }]);
  let fired = 0;
  for (let i = 0; i < 4000; i++) if (plan.pick("getRoleCredentials")) fired++;
  assert.ok(fired > 850 && fired < 1150, `fired ${fired}`);
  plan.set([{ op: "getRoleCredentials", kind: "throttle", ratio: 0.5, count: 3 }]);
  fired = 0;
  for (let i = 0; i < 100; i++) if (plan.pick("getRoleCredentials")) fired++;
  assert.equal(fired, 3);
});

Deno.test("validateFaultRules() accepts good rules and names the bad field", {
  permissions: "none",
}, () => {
  assert.deepEqual(validateFaultRules([{ op: "*", kind: "delay", delayMs: 10 }]), [
    { op: "*", kind: "delay", delayMs: 10 },
  ]);
  assert.throws(() => validateFaultRules("x"), /expected an array/);
  assert.throws(
    () => validateFaultRules([{ op: "*", kind: "delay", delayMs: "10" }]),
    /bad delayMs/,
  );
  assert.throws(
    () => validateFaultRules([{ op: "*", kind: "error", errorType: 1 }]),
    /bad errorType/,
  );
});

Deno.test("TokenBucket allows a burst of one second, then refills at its rate", {
  permissions: "none",
}, () => {
  let now = 0;
  const bucket = new TokenBucket(4, () => now);
  assert.deepEqual(Array.from({ length: 5 }, () => bucket.take()), [true, true, true, true, false]);
  now += 250;
  assert.equal(bucket.take(), true);
  assert.equal(bucket.take(), false);
  now += 10_000;
  assert.deepEqual(Array.from({ length: 5 }, () => bucket.take()), [true, true, true, true, false]);
});
