import assert from "node:assert/strict";
import { join } from "node:path";
import { SsoError } from "../../src/errors.ts";
import { denoFileSystem } from "../../src/deno_runtime.ts";
import { withLock } from "../../src/files/lock.ts";
import type { FileSystem, Runtime } from "../../src/runtime.ts";
import { type TestRuntime, testRuntime, withTmpDir } from "../helpers.ts";

const posix = Deno.build.os !== "windows";
const LOCKER = new URL("./_locker_child.ts", import.meta.url).pathname;

/** A test runtime whose `sleep` moves the injected clock instead of waiting. */
function fastRuntime(home: string, overrides: Partial<Runtime> = {}): TestRuntime {
  const runtime: TestRuntime = testRuntime({
    home,
    overrides: {
      sleep(ms) {
        runtime.advance(ms);
        return Promise.resolve();
      },
      ...overrides,
    },
  });
  return runtime;
}

/** A test runtime on the real clock, for tests that wait in real time (and time out). */
function realClockRuntime(home: string, overrides: Partial<Runtime> = {}): TestRuntime {
  return testRuntime({ home, overrides: { now: () => Date.now(), ...overrides } });
}

/** Writes a lock file as another holder would, last touched at `mtimeMs`. */
async function plantLock(
  path: string,
  record: { pid: number; host: string; id: string },
  mtimeMs: number,
): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify({ ...record, createdAt: "2026-01-01T00:00:00Z" }));
  await Deno.utime(path, new Date(mtimeMs), new Date(mtimeMs));
}

/** The names in a folder other than `keep`, sorted. */
async function litter(folder: string, ...keep: string[]): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    if (!keep.includes(entry.name)) names.push(entry.name);
  }
  return names.sort();
}

/**
 * A holder that runs `hold` under the lock, and a waiter that asks for it `lagMs` later (both
 * with `staleMs`, in real time): the order in which they went in and out.
 */
async function holderThenWaiter(
  runtime: Runtime,
  lockPath: string,
  staleMs: number,
  lagMs: number,
  hold: () => Promise<void>,
): Promise<string[]> {
  const events: string[] = [];
  const options = { staleMs, timeoutMs: 10_000 };
  const holder = withLock(runtime, lockPath, async () => {
    events.push("holder in");
    await hold();
    events.push("holder out");
  }, options);
  await new Promise((resolve) => setTimeout(resolve, lagMs));
  const waiter = withLock(runtime, lockPath, () => {
    events.push("waiter in");
    return Promise.resolve();
  }, options);
  await Promise.all([holder, waiter]);
  return events;
}

/** A pid that is certainly dead: that of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), { args: ["--version"], stdout: "null" }).spawn();
  await child.status;
  return child.pid;
}

/** A child running `_locker_child.ts`, with its stdout collected. */
interface Locker {
  process: Deno.ChildProcess;
  /** Resolves once the child has printed `line`. */
  waitFor(line: string): Promise<void>;
  /** Everything it printed, once it has exited. */
  finished(): Promise<{ code: number; stdout: string }>;
}

/** Starts `_locker_child.ts` with `args`. */
function startLocker(folder: string, args: string[]): Locker {
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--allow-read=${folder}`,
      `--allow-write=${folder}`,
      "--allow-run",
      "--allow-sys=hostname",
      LOCKER,
      ...args,
    ],
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  let stdout = "";
  const collected = (async () => {
    for await (const chunk of process.stdout.pipeThrough(new TextDecoderStream())) stdout += chunk;
  })();
  return {
    process,
    async waitFor(line) {
      const deadline = Date.now() + 20_000;
      while (!stdout.split("\n").includes(line)) {
        if (Date.now() > deadline) throw new Error(`the child never printed ${line}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async finished() {
      const { code } = await process.status;
      await collected;
      return { code, stdout };
    },
  };
}

/** Runs `processes` children that each increment the counter `times` times; the final count. */
async function countInChildren(
  folder: string,
  processes: number,
  times: number,
  how: "lock" | "nolock",
): Promise<number> {
  const lockPath = join(folder, "counter.lock");
  const counterPath = join(folder, "counter");
  const goPath = join(folder, "go");
  const lockers = Array.from(
    { length: processes },
    () => startLocker(folder, ["count", lockPath, counterPath, String(times), goPath, how]),
  );
  // A broken lock could leave children waiting for ever: end them after a minute.
  const guard = setTimeout(() => {
    for (const l of lockers) l.process.kill("SIGKILL");
  }, 60_000);
  try {
    await Promise.all(lockers.map((l) => l.waitFor("ready")));
    await Deno.writeTextFile(goPath, "");
    for (const result of await Promise.all(lockers.map((l) => l.finished()))) {
      assert.equal(result.code, 0, `a child failed: ${result.stdout}`);
    }
  } finally {
    clearTimeout(guard);
  }
  return Number(await Deno.readTextFile(counterPath));
}

Deno.test("withLock() runs fn under a lock file and removes it afterwards", async () => {
  await using tmp = await withTmpDir();
  const runtime = testRuntime({ home: tmp.path });
  const lockPath = join(tmp.path, "sso", "cache", "abc.lock");
  const result = await withLock(runtime, lockPath, async () => {
    const record = JSON.parse(await Deno.readTextFile(lockPath));
    assert.equal(record.pid, Deno.pid);
    assert.equal(record.host, runtime.hostname);
    assert.equal(record.createdAt, new Date(runtime.now()).toISOString());
    assert.match(record.id, /^[0-9a-f]{24}$/);
    if (posix) {
      assert.equal((await Deno.stat(lockPath)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(join(tmp.path, "sso"))).mode! & 0o777, 0o700);
    }
    return 42;
  });
  assert.equal(result, 42);
  assert.deepEqual(await litter(join(tmp.path, "sso", "cache")), []);
});

Deno.test("withLock() releases the lock when fn throws", async () => {
  await using tmp = await withTmpDir();
  const runtime = testRuntime({ home: tmp.path });
  const lockPath = join(tmp.path, "x.lock");
  await assert.rejects(
    withLock(runtime, lockPath, () => Promise.reject(new Error("login failed"))),
    /login failed/,
  );
  assert.deepEqual(await litter(tmp.path), []);
  assert.equal(await withLock(runtime, lockPath, () => Promise.resolve("again")), "again");
});

Deno.test("withLock() excludes concurrent callers in one process", async () => {
  await using tmp = await withTmpDir();
  const runtime = realClockRuntime(tmp.path);
  const lockPath = join(tmp.path, "x.lock");
  let inside = 0;
  let most = 0;
  await Promise.all(Array.from({ length: 5 }, () =>
    withLock(runtime, lockPath, async () => {
      most = Math.max(most, ++inside);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inside--;
    }, { timeoutMs: 10_000 })));
  assert.equal(most, 1);
});

Deno.test({
  name: "withLock() excludes other processes: 10 processes × 20 increments count to 200",
  ignore: !posix,
  async fn() {
    await using tmp = await withTmpDir();
    assert.equal(await countInChildren(tmp.path, 10, 20, "lock"), 200);
    assert.deepEqual(await litter(tmp.path, "counter", "go"), []);
  },
});

Deno.test({
  name: "withLock() is what makes the count right: without it the same processes lose updates",
  ignore: !posix,
  async fn() {
    await using tmp = await withTmpDir();
    const count = await countInChildren(tmp.path, 10, 20, "nolock");
    assert.ok(count < 200, `no update was lost without the lock (count ${count})`);
  },
});

Deno.test({
  name: "withLock() takes over at once a lock whose holder was killed",
  ignore: !posix,
  async fn() {
    await using tmp = await withTmpDir();
    const lockPath = join(tmp.path, "token.lock");
    const holder = startLocker(tmp.path, ["hold", lockPath]);
    await holder.waitFor("locked");
    holder.process.kill("SIGKILL");
    await holder.finished();
    const held = JSON.parse(await Deno.readTextFile(lockPath));
    assert.equal(held.pid, holder.process.pid);

    const runtime = realClockRuntime(tmp.path);
    const start = performance.now();
    const latency = await withLock(
      runtime,
      lockPath,
      () => Promise.resolve(performance.now() - start),
      { timeoutMs: 10_000 },
    );
    assert.ok(latency < 500, `took ${latency.toFixed(1)} ms to take over a dead holder's lock`);
    assert.deepEqual(await litter(tmp.path), []);
  },
});

Deno.test({
  name:
    "withLock() releases the lock of a holder interrupted by SIGINT or SIGTERM, which exits 130 or 143",
  ignore: !posix,
  async fn(t) {
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
      await t.step(signal, async () => {
        await using tmp = await withTmpDir();
        const lockPath = join(tmp.path, "token.lock");
        // Under the scoped flags /proc is out of reach: a lock left behind would cost the next
        // caller the stale bound (6 s).
        const holder = startLocker(tmp.path, ["hold", lockPath]);
        await holder.waitFor("locked");
        holder.process.kill(signal);
        assert.equal((await holder.finished()).code, code);
        assert.equal(await Deno.readTextFile(lockPath).catch(() => null), null);
        assert.deepEqual(await litter(tmp.path), []);
      });
    }
  },
});

Deno.test({
  name: "withLock() leaves SIGINT to a program that uses the library with the default runtime",
  ignore: !posix,
  async fn() {
    await using tmp = await withTmpDir();
    const lockPath = join(tmp.path, "token.lock");
    const host = startLocker(tmp.path, ["host", lockPath]);
    await host.waitFor("locked");
    host.process.kill("SIGINT");
    const { code, stdout } = await host.finished();
    assert.equal(code, 0);
    assert.deepEqual(stdout.trim().split("\n"), ["locked", "graceful", "after"]);
    assert.equal(await Deno.readTextFile(lockPath).catch(() => null), null);
  },
});

Deno.test("withLock() judges a lock stale by its holder's pid on this host, else by age", async (t) => {
  const staleMs = 6_000; // the default
  const cases: [
    string,
    { pid: "dead" | "alive"; host: "here" | "elsewhere" | "garbage" },
    number,
  ][] = [
    ["a dead holder on this host is taken over at once", { pid: "dead", host: "here" }, 0],
    [
      "a live holder that stopped touching it waits out staleMs",
      { pid: "alive", host: "here" },
      staleMs,
    ],
    ["a holder on another host is judged by age only", { pid: "dead", host: "elsewhere" }, staleMs],
    ["an unreadable lock is judged by age only", { pid: "dead", host: "garbage" }, staleMs],
  ];
  for (const [name, holder, waits] of cases) {
    await t.step(name, async () => {
      await using tmp = await withTmpDir();
      const runtime = fastRuntime(tmp.path, { isAlive: (pid) => pid === Deno.pid });
      const lockPath = join(tmp.path, "x.lock");
      const start = runtime.now();
      if (holder.host === "garbage") {
        await Deno.writeTextFile(lockPath, '{"pid":');
        await Deno.utime(lockPath, new Date(start), new Date(start));
      } else {
        await plantLock(lockPath, {
          pid: holder.pid === "dead" ? 99999 : Deno.pid,
          host: holder.host === "here" ? runtime.hostname : "other-host",
          id: "0123abcd",
        }, start);
      }
      const waited = await withLock(
        runtime,
        lockPath,
        () => Promise.resolve(runtime.now() - start),
      );
      assert.ok(waited >= waits, `took over after ${waited} ms`);
      assert.ok(waited <= waits + 100, `took over only after ${waited} ms`);
      assert.deepEqual(await litter(tmp.path), []);
    });
  }
});

Deno.test("withLock() takes over at once a lock touched in the future (the clock stepped back)", async () => {
  // A holder killed before the clock was set back an hour: its lock's mtime is ahead of now. It
  // never ages, so without this every caller would wait out the 11-minute timeout.
  await using tmp = await withTmpDir();
  const runtime = fastRuntime(tmp.path, { isAlive: () => true });
  const lockPath = join(tmp.path, "x.lock");
  const start = runtime.now();
  await plantLock(lockPath, { pid: 99999, host: "other-host", id: "0123abcd" }, start + 3_600_000);
  const waited = await withLock(runtime, lockPath, () => Promise.resolve(runtime.now() - start));
  assert.ok(waited <= 100, `took over only after ${waited} ms`);
  assert.deepEqual(await litter(tmp.path), []);
});

Deno.test("withLock() keeps waiting for a live holder across a clock jump longer than its timeout", async () => {
  // The laptop sleeps for an hour while a sign-in holds the lock: on waking, the waiter must not
  // give up at once (the wall clock says an hour has passed), but wait for the holder.
  await using tmp = await withTmpDir();
  const lockPath = join(tmp.path, "x.lock");
  let rounds = 0;
  const runtime: TestRuntime = fastRuntime(tmp.path, {
    isAlive: () => true,
    async sleep(ms) {
      runtime.advance(ms);
      rounds++;
      if (rounds === 5) runtime.advance(3_600_000);
      const now = new Date(runtime.now());
      if (rounds > 5 && rounds < 40) await Deno.utime(lockPath, now, now); // its heartbeat
      if (rounds === 40) await Deno.remove(lockPath); // its release
    },
  });
  await plantLock(lockPath, { pid: 4242, host: runtime.hostname, id: "0123abcd" }, runtime.now());
  assert.equal(await withLock(runtime, lockPath, () => Promise.resolve(rounds)), 40);
});

Deno.test("withLock() with a lock a minute old on this host: watched if its holder lives, else taken at once", async (t) => {
  const cases: [string, boolean | undefined, number][] = [
    // The clock may have stepped forward: taken only after it stood still for staleMs of waiting.
    ["its holder lives (asking is free: /proc on Linux, no signal)", true, 6_000],
    // Under the scoped flags /proc is out of reach: a lock left by a run killed (or interrupted)
    // a minute ago must not cost the next run a wait.
    ["its holder's life cannot be told (scoped flags)", undefined, 0],
  ];
  for (const [name, alive, waits] of cases) {
    await t.step(name, async () => {
      await using tmp = await withTmpDir();
      const runtime = fastRuntime(tmp.path, { isAlive: () => alive });
      const lockPath = join(tmp.path, "x.lock");
      const start = runtime.now();
      await plantLock(
        lockPath,
        { pid: 4242, host: runtime.hostname, id: "0123abcd" },
        start - 60_000,
      );
      const waited = await withLock(
        runtime,
        lockPath,
        () => Promise.resolve(runtime.now() - start),
      );
      assert.ok(waited >= waits && waited <= waits + 100, `took over after ${waited} ms`);
      assert.deepEqual(await litter(tmp.path), []);
    });
  }
});

Deno.test("withLock() lets only one of two waiters take over a stale lock", async () => {
  await using tmp = await withTmpDir();
  const lockPath = join(tmp.path, "x.lock");
  // Both waiters read the stale lock before either acts on it: the race the claim file settles.
  let reads = 0;
  let bothRead: () => void = () => {};
  const barrier = new Promise<void>((resolve) => bothRead = resolve);
  const removals: string[] = [];
  const fs: FileSystem = {
    ...denoFileSystem,
    async readTextFile(path) {
      const text = await denoFileSystem.readTextFile(path);
      if (path === lockPath && text?.includes("57a1e") && ++reads <= 2) {
        if (reads === 2) bothRead();
        await barrier;
      }
      return text;
    },
    async remove(path) {
      if (path === lockPath) removals.push(JSON.parse(await Deno.readTextFile(path)).id);
      await denoFileSystem.remove(path);
    },
  };
  const runtime = realClockRuntime(tmp.path, { fs, isAlive: (pid) => pid === Deno.pid });
  await plantLock(lockPath, { pid: 99999, host: runtime.hostname, id: "57a1e" }, runtime.now());

  let inside = 0;
  let most = 0;
  const work = () =>
    withLock(runtime, lockPath, async () => {
      most = Math.max(most, ++inside);
      await new Promise((resolve) => setTimeout(resolve, 50));
      inside--;
    }, { timeoutMs: 10_000 });
  await Promise.all([work(), work()]);

  assert.equal(reads >= 2, true);
  assert.equal(most, 1);
  assert.equal(removals.filter((id) => id === "57a1e").length, 1, `removed: ${removals}`);
  assert.equal(removals.length, 3); // the stale lock and the two winners' own, on release
  assert.deepEqual(await litter(tmp.path), []);
});

Deno.test({
  name: "withLock() lets one of many processes at a time take over a dead holder's lock",
  ignore: !posix,
  async fn() {
    await using tmp = await withTmpDir();
    const runtime = testRuntime({ home: tmp.path });
    await plantLock(
      join(tmp.path, "counter.lock"),
      { pid: await deadPid(), host: runtime.hostname, id: "dead0001" },
      Date.now(),
    );
    assert.equal(await countInChildren(tmp.path, 8, 1, "lock"), 8);
    assert.deepEqual(await litter(tmp.path, "counter", "go"), []);
  },
});

Deno.test("withLock() takes over a claim left by a taker killed mid-take-over", async () => {
  await using tmp = await withTmpDir();
  const runtime = fastRuntime(tmp.path, { isAlive: (pid) => pid === Deno.pid });
  const lockPath = join(tmp.path, "x.lock");
  await plantLock(lockPath, { pid: 99998, host: runtime.hostname, id: "aaaa" }, runtime.now());
  await plantLock(
    `${lockPath}.aaaa.claim`,
    { pid: 99999, host: runtime.hostname, id: "bbbb" },
    runtime.now(),
  );
  const start = runtime.now();
  const waited = await withLock(runtime, lockPath, () => Promise.resolve(runtime.now() - start));
  assert.ok(waited < 1_000, `took ${waited} ms`);
  assert.deepEqual(await litter(tmp.path), []);
});

Deno.test("withLock() heartbeat keeps a long holder's lock from being taken over", async () => {
  await using tmp = await withTmpDir();
  const runtime = realClockRuntime(tmp.path);
  const lockPath = join(tmp.path, "x.lock");
  const touched: number[] = [];
  const events = await holderThenWaiter(runtime, lockPath, 300, 50, async () => {
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      touched.push((await Deno.stat(lockPath)).mtime!.getTime());
    }
  });
  // 1 s held, more than three times staleMs, and never taken over.
  assert.deepEqual(events, ["holder in", "holder out", "waiter in"]);
  assert.ok(touched.every((t, i) => i === 0 || t > touched[i - 1]!), `mtimes: ${touched}`);
  assert.equal(runtime.err(), "");
});

Deno.test("withLock() keeps a live holder's lock when the clock steps forward (a laptop resumes)", async () => {
  // Seen by the waiter, the holder's last touch is suddenly far behind the clock; the holder
  // touches it again within staleMs / 3. Taking it over meanwhile would start a second sign-in.
  await using tmp = await withTmpDir();
  // A holder of its own pid, alive: other tests of this process judged Deno.pid's locks.
  const runtime = realClockRuntime(tmp.path, { pid: 7_777_777, isAlive: () => true });
  const lockPath = join(tmp.path, "x.lock");
  const events = await holderThenWaiter(runtime, lockPath, 600, 20, async () => {
    const stepped = new Date(Date.now() - 3_600_000);
    await Deno.utime(lockPath, stepped, stepped); // as if the clock just jumped an hour on
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  });
  assert.deepEqual(events, ["holder in", "holder out", "waiter in"]);
  assert.equal(runtime.err(), "");
});

Deno.test("withLock() gives LOCK_TIMEOUT naming the lock path when it stays held", async () => {
  await using tmp = await withTmpDir();
  const runtime = fastRuntime(tmp.path);
  const lockPath = join(tmp.path, "x.lock");
  const record = { pid: Deno.pid, host: runtime.hostname, id: "a11fe" };
  await plantLock(lockPath, record, runtime.now());
  const before = await Deno.readTextFile(lockPath);
  const start = runtime.now();
  await assert.rejects(
    withLock(runtime, lockPath, () => Promise.resolve(), { timeoutMs: 5_000, staleMs: 60_000 }),
    (err) => {
      assert.ok(err instanceof SsoError);
      assert.equal(err.code, "LOCK_TIMEOUT");
      assert.match(
        err.message,
        new RegExp(`^Cannot lock ${lockPath}: still held by pid ${Deno.pid}`),
      );
      assert.equal(err.hint, `remove ${lockPath} if no aws-sso is running`);
      return true;
    },
  );
  const waited = runtime.now() - start;
  assert.ok(waited >= 5_000 && waited < 5_200, `gave up after ${waited} ms`);
  assert.equal(await Deno.readTextFile(lockPath), before);
  assert.match(runtime.err(), new RegExp(`^aws-sso: waiting for ${lockPath} by pid ${Deno.pid}`));
});

Deno.test("withLock() does not remove on release a lock that was taken over meanwhile", async () => {
  await using tmp = await withTmpDir();
  const runtime = testRuntime({ home: tmp.path });
  const lockPath = join(tmp.path, "x.lock");
  const usurper = JSON.stringify({ pid: 1, host: "other-host", createdAt: "x", id: "fe11" });
  await withLock(runtime, lockPath, async () => {
    // What a take-over does: the stale file goes, a new holder's file comes.
    await Deno.remove(lockPath);
    await Deno.writeTextFile(lockPath, usurper, { createNew: true });
  });
  assert.equal(await Deno.readTextFile(lockPath), usurper);
  assert.deepEqual(await litter(tmp.path, "x.lock"), []);
});

Deno.test("withLock() fails with FILE_ERROR when the lock cannot be created", async () => {
  await using tmp = await withTmpDir();
  const fs: FileSystem = {
    ...denoFileSystem,
    writeFile: () =>
      Promise.reject(new Deno.errors.PermissionDenied("Permission denied (os error 13)")),
  };
  const runtime = testRuntime({ home: tmp.path, overrides: { fs } });
  const lockPath = join(tmp.path, "x.lock");
  await assert.rejects(withLock(runtime, lockPath, () => Promise.resolve()), (err) => {
    assert.ok(err instanceof SsoError);
    assert.equal(err.code, "FILE_ERROR");
    assert.equal(err.message, `Cannot lock ${lockPath}: permission denied`);
    return true;
  });
});
