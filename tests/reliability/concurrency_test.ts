/**
 * Concurrency: processes at once against one HOME while access tokens expire, refresh tokens are
 * revoked and role credentials live too short to be reused. Every file parses at every moment,
 * nothing hand-written is lost, no process hangs, each exits 0 or with one clear line, and the
 * fake sees one sign-in at the start and one renewal per expiry, never one per process.
 * The full version is `deno task soak` (scripts/soak.ts).
 */

import assert from "node:assert/strict";
import { withTmpDir } from "../helpers.ts";
import { formatSoak, runSoak, soakProblems } from "./_soak.ts";

Deno.test("aws-sso: 10 processes for 15 s against one HOME while tokens expire", async () => {
  await using tmp = await withTmpDir();
  const report = await runSoak({
    home: tmp.path,
    processes: 10,
    durationMs: 15_000,
    expireEveryMs: 3_000,
    revokeEvery: 2,
    faultRatio: 0,
    seed: 7,
    processTimeoutMs: 30_000,
  });
  console.log(formatSoak(report));
  assert.deepEqual(soakProblems(report), []);
  assert.ok(report.expiries >= 3, `${report.expiries} expiries`);
  assert.ok(report.fileReads > 500, `${report.fileReads} file reads`);
});
