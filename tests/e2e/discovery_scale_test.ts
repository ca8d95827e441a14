/**
 * Discovery at scale: many accounts, the portal's ListAccountRoles quota of 20 calls a second,
 * and 30% of calls throttled at random besides (users.md §1: granted #458 and #811, aws-sso-util
 * #112). Every role must be written, with no error and no storm of retries.
 *
 * The default suite runs 200 accounts (two runs of about 10 s). The 1,000-account version takes
 * about 50 s a run: `AWS_SSO_FULL_SCALE=1 deno test -A tests/e2e/discovery_scale_test.ts`.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { generateDirectory, startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { runCli, writeSsoConfig } from "./_cli.ts";
import { botocoreProfiles } from "./_clients.ts";
import { issueSession } from "./_session.ts";

/** The fake portal's ListAccountRoles quota, calls a second. */
const RATE = 20;
/** The share of portal calls the fake throttles at random, on top of the quota. */
const THROTTLE_RATIO = 0.3;
const ROLES_PER_ACCOUNT = 3;

async function discoverAtScale(accounts: number): Promise<void> {
  await using aws = await startFakeAws({
    directory: generateDirectory(accounts, ROLES_PER_ACCOUNT),
    rateLimit: { listAccountRoles: RATE },
    throttleRatio: THROTTLE_RATIO,
  });
  await using tmp = await withTmpDir();
  const config = await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const roles = accounts * ROLES_PER_ACCOUNT;

  const started = performance.now();
  const first = await runCli(["-p", "corp", "-d"], { home: tmp.path, env: aws.env });
  const seconds = (performance.now() - started) / 1000;
  const counters = aws.counters;

  assert.equal(first.code, 0, first.stderr);
  assert.equal(
    first.stderr,
    `Wrote ${config}: ${roles} roles in ${accounts} accounts; ${roles} added, 0 updated, ` +
      "0 unchanged\n",
    "one summary line, no error or warning",
  );
  const profiles = await botocoreProfiles(config);
  const discovered = Object.entries(profiles).filter(([, p]) => p.aws_sso_discovered_from);
  assert.equal(discovered.length, roles);
  assert.ok(profiles[`${100_000_000_000 + accounts - 1}-Developer`]?.credential_process);

  // How fast is for the benchmark to say (`deno task bench`; the simulated-clock discovery in
  // tests/portal/rate_limiter_test.ts holds the 1.5× bound): a test does not time itself.
  console.log(
    `discovery: ${accounts} accounts × ${ROLES_PER_ACCOUNT} roles in ${seconds.toFixed(1)} s ` +
      `(the quota's floor: ${(accounts / RATE).toFixed(1)} s); ${counters.listAccountRoles} ` +
      `ListAccountRoles calls, ${counters.throttled} throttled`,
  );
  assert.ok(counters.throttled > 0, "the portal did throttle");
  // No storm of retries: one call an account, plus those throttled at random (30%), plus the few
  // the quota refused.
  const expected = accounts / (1 - THROTTLE_RATIO);
  assert.ok(
    counters.listAccountRoles <= 1.3 * expected,
    `${counters.listAccountRoles} calls for ${accounts} accounts (about ${Math.round(expected)})`,
  );

  const text = await Deno.readTextFile(config);
  const second = await runCli(["-p", "corp", "-d"], { home: tmp.path, env: aws.env });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, new RegExp(`; 0 added, 0 updated, ${roles} unchanged\n$`));
  assert.equal(await Deno.readTextFile(join(tmp.path, ".aws", "config")), text, "byte-identical");
}

Deno.test("aws-sso -d writes 200 accounts × 3 roles under a throttled 20 calls/s quota", async () => {
  await discoverAtScale(200);
});

Deno.test({
  name: "aws-sso -d writes 1,000 accounts × 3 roles under a throttled 20 calls/s quota",
  // About 100 s (two runs of 50 s): too slow for every run; set AWS_SSO_FULL_SCALE=1.
  ignore: Deno.env.get("AWS_SSO_FULL_SCALE") !== "1",
  fn: () => discoverAtScale(1_000),
});
