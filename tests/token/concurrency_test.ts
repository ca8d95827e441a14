/**
 * One sign-in and one refresh for many processes at once, and locks left by killed processes:
 * real child processes (`Deno.execPath()`) against the fake AWS, with real files and locks.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { sessionLockPath } from "../../src/token/get_sso_token.ts";
import { sha1Hex } from "../../src/token/sha1_hex.ts";
import { cliArgs, cliEnv, FAKE_BROWSER, runCli, writeSsoConfig } from "../e2e/_cli.ts";
import { corpProfile, plantToken, ROOT, type TokenEnv, tokenEnv } from "./_fixtures.ts";
import { findIssuedSecrets } from "../../testing/mod.ts";

const N = 20;
const ROLE = "arn:aws:iam::111111111111:role/ReadOnly";
const CHILD = join(ROOT, "tests", "token", "_get_token_child.ts");

/** A child running `_get_token_child.ts`. */
interface Child {
  ready: Promise<void>;
  done: Promise<{ code: number; stdout: string; stderr: string }>;
}

function startChild(env: TokenEnv, go: string, policy: string, extraEnv = {}): Child {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CHILD, env.aws.startUrl, go, policy],
    env: cliEnv({ home: env.home, env: { ...env.aws.env, ...extraEnv } }),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = process.stdout.pipeThrough(new TextDecoderStream());
  let stdout = "";
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => markReady = resolve);
  const read = (async () => {
    for await (const chunk of lines) {
      stdout += chunk;
      if (stdout.includes("ready\n")) markReady();
    }
    markReady();
  })();
  const stderr = new Response(process.stderr).text();
  const done = (async () => {
    const [status, err] = await Promise.all([process.status, stderr, read]);
    return { code: status.code, stdout: stdout.replace("ready\n", ""), stderr: err };
  })();
  return { ready, done };
}

/** Starts N children, waits until all are ready, then lets them go at once. */
async function runChildren(env: TokenEnv, policy: string, extraEnv = {}) {
  const go = join(env.home, "go");
  const children = Array.from({ length: N }, () => startChild(env, go, policy, extraEnv));
  await Promise.all(children.map((c) => c.ready));
  const started = performance.now();
  await Deno.writeTextFile(go, "");
  const results = await Promise.all(children.map((c) => c.done));
  return { results, ms: performance.now() - started };
}

Deno.test(`getSsoToken() refreshes once when ${N} processes ask at the same moment`, async () => {
  await using env = await tokenEnv({ now: Date.now() });
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: 5 * 60_000 });
  const { results, ms } = await runChildren(env, "never");
  for (const r of results) assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(env.aws.counters.createToken.refresh_token, 1);
  const newest = sha1Hex(env.aws.issued.accessTokens.at(-1)!);
  assert.deepEqual(new Set(results.map((r) => r.stdout.trim())), new Set([newest]));
  console.log(
    `${N} processes → ${env.aws.counters.createToken.refresh_token} refresh, ${ms | 0} ms`,
  );
});

Deno.test(`getSsoToken() signs in once when ${N} processes ask at the same moment`, async () => {
  await using env = await tokenEnv({ now: Date.now(), fake: { latencyMs: 100 } });
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: -60_000, refreshable: false });
  const { results, ms } = await runChildren(env, "browser-only", { BROWSER: FAKE_BROWSER });
  for (const r of results) assert.equal(r.code, 0, r.stdout + r.stderr);
  const c = env.aws.counters;
  assert.equal(c.authorize, 1);
  assert.equal(c.createToken.authorization_code, 1);
  assert.equal(c.registerClient, 1);
  assert.equal(new Set(results.map((r) => r.stdout.trim())).size, 1);
  console.log(`${N} processes → ${c.authorize} sign-in, ${ms | 0} ms`);
});

/** Checks one `-ext` result: exit 0, process JSON on stdout, nothing secret on stderr. */
function assertProcessJson(env: TokenEnv, r: { code: number; stdout: string; stderr: string }) {
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.Version, 1);
  assert.match(out.AccessKeyId, /^ASIA/);
  assert.equal(typeof out.SecretAccessKey, "string");
  assert.equal(typeof out.SessionToken, "string");
  assert.match(out.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  assert.deepEqual(findIssuedSecrets(r.stderr, env.aws.issued), []);
  assert.deepEqual(
    findIssuedSecrets(r.stdout, env.aws.issued, { allow: ["secretAccessKeys", "sessionTokens"] }),
    [],
  );
}

Deno.test(`aws-sso -ext signs in once when ${N} processes start with an expired token`, async () => {
  await using env = await tokenEnv({ now: Date.now(), fake: { latencyMs: 50 } });
  await writeSsoConfig(env.home, env.aws.startUrl);
  await plantToken(env, corpProfile(env.aws.startUrl), { leftMs: -60_000, refreshable: false });
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: N }, () =>
      runCli(["-p", "corp", "-r", ROLE, "-ext"], {
        home: env.home,
        env: { ...env.aws.env, BROWSER: FAKE_BROWSER },
      })),
  );
  const ms = performance.now() - started;
  for (const r of results) assertProcessJson(env, r);
  const c = env.aws.counters;
  assert.equal(c.authorize, 1);
  assert.equal(c.createToken.authorization_code, 1);
  assert.equal(c.createToken.refresh_token, 0);
  console.log(
    `${N} × -ext → ${c.authorize} sign-in, ${c.getRoleCredentials} role call, ${ms | 0} ms`,
  );
});

Deno.test(`aws-sso -ext refreshes once when ${N} processes start with a token near expiry`, async () => {
  await using env = await tokenEnv({ now: Date.now(), fake: { latencyMs: 50 } });
  await writeSsoConfig(env.home, env.aws.startUrl);
  await plantToken(env, corpProfile(env.aws.startUrl), { leftMs: 5 * 60_000 });
  // Six roles: the per-role locks do not serialise the processes; the session lock must.
  const roles = env.aws.directory.accounts.flatMap((a) =>
    a.roles.map((r) => `arn:aws:iam::${a.accountId}:role/${r}`)
  );
  const started = performance.now();
  const results = await Promise.all(
    Array.from(
      { length: N },
      (_, i) =>
        runCli(["-p", "corp", "-r", roles[i % roles.length]!, "-ext"], {
          home: env.home,
          env: { ...env.aws.env, BROWSER: FAKE_BROWSER },
        }),
    ),
  );
  const ms = performance.now() - started;
  for (const r of results) assertProcessJson(env, r);
  const c = env.aws.counters;
  assert.equal(c.createToken.refresh_token, 1);
  assert.equal(c.authorize, 0);
  assert.equal(c.getRoleCredentials, roles.length);
  console.log(`${N} × -ext → ${c.createToken.refresh_token} refresh, ${ms | 0} ms`);
});

/**
 * The next `-ext` run after a lock was left behind: it signs in (with the approving fake browser),
 * prints credentials, and does not hang on the lock (`boundMs`, far above the 6 s stale bound).
 * Returns how long it took.
 */
async function nextRunTakesOver(env: TokenEnv, boundMs: number): Promise<number> {
  const started = performance.now();
  const r = await runCli(["-p", "corp", "-r", ROLE, "-ext"], {
    home: env.home,
    env: { ...env.aws.env, BROWSER: FAKE_BROWSER },
  });
  const ms = performance.now() - started;
  assertProcessJson(env, r);
  assert.ok(ms < boundMs, `took ${ms} ms`);
  return ms;
}

/**
 * A CLI run (`args`) that signs in through a browser that never approves, once it holds the
 * session lock: the expired token of `corp` makes it sign in.
 */
async function stuckSignIn(
  env: Awaited<ReturnType<typeof tokenEnv>>,
  args: string[],
): Promise<{ victim: Deno.ChildProcess; lock: string }> {
  await writeSsoConfig(env.home, env.aws.startUrl);
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: -60_000, refreshable: false });
  const stuck = join(env.home, ".aws", "stuck_browser.sh");
  await Deno.writeTextFile(stuck, "#!/bin/sh\nexec sleep 3\n", { mode: 0o755 });
  const options = { home: env.home, env: { ...env.aws.env, BROWSER: stuck } };
  const victim = new Deno.Command(Deno.execPath(), {
    args: cliArgs(args, options),
    env: cliEnv(options),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const lock = sessionLockPath(env.rt, profile);
  while (env.aws.counters.registerClient === 0 || !await Deno.stat(lock).catch(() => null)) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return { victim, lock };
}

Deno.test("aws-sso -ext is not blocked for long by a lock its SIGKILLed holder left", async (t) => {
  await t.step("a lock file with a dead pid", async () => {
    await using env = await tokenEnv({ now: Date.now() });
    await writeSsoConfig(env.home, env.aws.startUrl);
    const profile = corpProfile(env.aws.startUrl);
    await plantToken(env, profile, { leftMs: -60_000, refreshable: false });
    const dead = new Deno.Command("true").spawn();
    await dead.status;
    const lock = sessionLockPath(env.rt, profile);
    await Deno.writeTextFile(
      lock,
      JSON.stringify({
        pid: dead.pid,
        host: Deno.hostname(),
        createdAt: new Date().toISOString(),
        id: "0123456789abcdef01234567",
      }) + "\n",
    );
    const ms = await nextRunTakesOver(env, 10_000);
    assert.equal(env.aws.counters.authorize, 1);
    assert.equal(await Deno.stat(lock).catch(() => null), null, "the lock is released");
    console.log(`dead-pid lock: next run took ${ms | 0} ms`);
  });

  await t.step("a run killed while it signs in", async () => {
    await using env = await tokenEnv({ now: Date.now() });
    const { victim, lock } = await stuckSignIn(env, ["-p", "corp", "-r", ROLE, "-ext"]);
    victim.kill("SIGKILL");
    await victim.status;
    assert.ok(await Deno.stat(lock), "the killed run left its lock");
    const ms = await nextRunTakesOver(env, 15_000);
    assert.equal(env.aws.counters.createToken.authorization_code, 1);
    console.log(`SIGKILLed holder: next run took ${ms | 0} ms`);
  });

  await t.step("a run interrupted (Ctrl-C) while it signs in releases its lock", async () => {
    await using env = await tokenEnv({ now: Date.now() });
    const { victim, lock } = await stuckSignIn(env, ["-p", "corp", "--login"]);
    victim.kill("SIGINT");
    assert.equal((await victim.status).code, 130);
    assert.equal(await Deno.stat(lock).catch(() => null), null, "released on the way out");
    // Under the scoped flags the next run could not tell the holder died: without the release
    // it would wait for the stale bound (6 s).
    const ms = await nextRunTakesOver(env, 3_000);
    console.log(`interrupted holder: next run took ${ms | 0} ms`);
  });
});
