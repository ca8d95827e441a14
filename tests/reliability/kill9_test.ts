/**
 * Kill -9: processes killed with SIGKILL at random moments during sign-in, refresh, discovery and
 * credential writes leave every file whole (old or new content, never torn), nothing hand-written
 * lost, and locks that are taken over within a few seconds, so the next runs succeed.
 */

import assert from "node:assert/strict";
import { withTmpDir } from "../helpers.ts";
import { measureTakeover, runKillCampaign } from "./_kill.ts";

/** The lock's stale bound (6 s, a heartbeat every 2 s) plus polling and a loaded machine. */
const TAKEOVER_BOUND_MS = 9_000;

Deno.test("aws-sso survives SIGKILL at random moments; dead holders' locks are taken over", async (t) => {
  await using campaignHome = await withTmpDir();
  await using sessionHome = await withTmpDir();
  await using roleHome = await withTmpDir();
  const [report, session, role] = await Promise.all([
    runKillCampaign({ home: campaignHome.path, workers: 6, durationMs: 6_000, seed: 11 }),
    measureTakeover(sessionHome.path, "session"),
    measureTakeover(roleHome.path, "role"),
  ]);
  const kills = Object.values(report.kills).reduce((a, b) => a + b, 0);
  console.log(
    `killed ${kills} (${JSON.stringify(report.kills)}), ${report.finishedFirst} finished first; ` +
      `recovery ${report.recovery.map((r) => Math.round(r.ms)).join("/")} ms; ` +
      `${report.filesChecked} files checked; left behind: ${report.leftovers.length}\n` +
      `take-over after SIGKILL: session lock ${Math.round(session.takeoverMs)} ms, ` +
      `role lock ${Math.round(role.takeoverMs)} ms`,
  );

  await t.step("processes were killed in every mode", () => {
    assert.ok(kills >= 20, `${kills} kills`);
    const k = (mode: string) => report.kills[mode] ?? 0;
    assert.ok(k("sign-in") > 0, "no kill during a sign-in");
    assert.ok(k("discover") > 0, "no kill during discovery");
    assert.ok(k("default") + k("write-profile") > 0, "no kill during a credentials file write");
    assert.ok(k("ext") + k("env") > 0, "no kill during -ext or -env (role cache, refresh)");
  });
  await t.step("every file is whole, and nothing hand-written is lost", () => {
    assert.deepEqual(report.torn, []);
    assert.deepEqual(report.lost, []);
    assert.deepEqual(report.leaked, []);
  });
  await t.step("the next run of every mode succeeds", () => {
    for (const run of report.recovery) {
      assert.equal(run.code, 0, `${run.args.join(" ")}: ${run.stderr}`);
      assert.ok(run.ms < 20_000, `${run.args.join(" ")} took ${run.ms} ms`);
    }
  });
  await t.step("a dead holder's lock is taken over within the stale bound", () => {
    for (const m of [session, role]) {
      assert.ok(
        m.takeoverMs <= TAKEOVER_BOUND_MS,
        `${m.lock} lock taken over after ${m.takeoverMs} ms`,
      );
      assert.equal(m.waiter.code, 0, m.waiter.stderr);
    }
  });
});
