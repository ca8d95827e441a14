/**
 * A cross-process lock made of a file, for the logins, refreshes and credential writes that many
 * `credential_process` runs may attempt at once.
 *
 * @module
 */

import { dirname } from "../path.ts";
import { asClause, SsoError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";

/** Options of {@linkcode withLock}. */
export interface WithLockOptions {
  /**
   * A lock whose file has not been touched for this long is taken over, milliseconds (default
   * `6_000`). The holder touches it every third of this while `fn` runs, so a long login keeps it.
   */
  staleMs?: number;
  /** Give up waiting for the lock after this long, milliseconds (default `660_000`, 11 minutes). */
  timeoutMs?: number;
}

/** What a lock file (and a claim file) holds. */
interface LockRecord {
  /** The holder's process id. */
  pid: number;
  /** The holder's host name (`""` when unknown); pids are only checked on the same host. */
  host: string;
  /** When it was taken, ISO 8601. */
  createdAt: string;
  /** Random and unique: tells this holding apart from every other. */
  id: string;
}

/** A lock file as a waiter sees it. */
interface Held {
  /** The holder's `id`, or `"unknown"` when the file cannot be parsed (yet). */
  key: string;
  /** Whether it may be taken over. */
  stale: boolean;
  /** What it holds, when it parses. */
  record: LockRecord | undefined;
}

const DEFAULT_STALE_MS = 6_000;
const DEFAULT_TIMEOUT_MS = 11 * 60_000;
/** Waiters poll every 25–100 ms. */
const POLL_MIN_MS = 25;
const POLL_MAX_MS = 100;
/** A waiter says once on stderr whom it waits for, after this long. */
const NOTE_AFTER_MS = 2_000;
/** The most one polling round counts towards a waiter's own waiting (see `Watch`). */
const MAX_ROUND_MS = 500;

/*
 * How a lock is taken over, and why two waiters never both win.
 *
 * A lock is the file `lockPath`, created exclusively (`createNew`) with a record holding a random
 * `id`. Nobody ever rewrites it: it is created, touched (mtime, the heartbeat) and removed. So an
 * `id` names one holding, and a path that held `id` N and then anything else never holds N again.
 *
 * Removing the file is the dangerous step: "read it, see N, remove it" is not atomic, and in the
 * gap N may have been removed by someone else and a fresh lock created, which we would then delete.
 * So every removal of holding N, the holder's own release as well as a take-over of a stale N,
 * first creates the claim file `<lockPath>.<N>.claim` exclusively, and removes the lock only if,
 * with the claim held, the file still holds N (and, for a take-over, is still stale). While the
 * claim is held nobody else can remove N, and nobody can create a lock while N exists, so the file
 * we checked is the file we remove. Two waiters racing for one stale lock race for one claim:
 * exactly one removes N; the other sees N gone, and both then race with `createNew`, which one wins.
 *
 * A claim is held for a few file operations. One left behind by a process killed in that moment
 * is itself stale (dead pid, or old) and is taken over by the same steps, one level down
 * (`<lockPath>.<N>.claim.<C>.claim`).
 *
 * Stale means: the file was last touched more than `staleMs` ago, or more than `staleMs` ahead of
 * our clock (the clock was set back after its holder died: a live holder touches it with the same
 * clock), or the holder's pid is known to be dead (asked only when the lock was made on this host,
 * since pids of other hosts mean nothing here, and only where the system says so without touching
 * the process: Linux's /proc, when we may read it). A holder on this host known to live keeps its
 * lock until the file has also stood still for `staleMs` of the waiter's own waiting (its polling
 * rounds, each counted for at most half a second): a clock stepped forward (a laptop resumed)
 * makes a live holder's lock look old until its next touch. Where liveness cannot be told (the
 * scoped flags do not let aws-sso read /proc), the age alone decides, so that a lock left by a
 * killed or interrupted run never costs the next one a wait. Hosts sharing the folder must agree
 * on the time within `staleMs`. A holder that is alive but stopped for longer than that (SIGSTOP)
 * does lose its lock, as with any lease; its heartbeat and release notice and leave the new
 * holder's file alone.
 */

/**
 * Runs `fn` while holding a lock that excludes every other `withLock` on the same `lockPath`, in
 * this process or any other.
 *
 * The lock is the file `lockPath`, created exclusively and holding `{pid, host, createdAt, id}`;
 * keep it next to what it guards (`~/.aws/sso/cache/<key>.lock`). Its folder is created (`0700`)
 * if missing. While it is held, others poll every 25–100 ms. A lock whose holder is known to have
 * died (same host, Linux) is taken over at once; one not touched for `staleMs` is taken over too
 * (a live holder's on this host only once it also stood still that long while watched), so the
 * holder touches it every `staleMs / 3` while `fn` runs. It is released when `fn` settles, unless it was
 * taken over meanwhile, in which case the new holder's lock is left alone. Not re-entrant: a nested
 * `withLock` on the same path waits for the outer one and times out.
 *
 * @param runtime where the file system, clock, sleep, pid, host name and stderr come from
 * @param lockPath the lock file
 * @param fn the work to do under the lock
 * @param options `staleMs` and `timeoutMs`
 * @returns what `fn` returns
 * @throws {SsoError} `LOCK_TIMEOUT` when the lock stays held for `timeoutMs`, naming the path
 * @throws {SsoError} `FILE_ERROR` when the lock file cannot be created or read
 * @throws whatever `fn` throws, after releasing the lock
 *
 * @example Incrementing a shared counter
 * ```ts
 * import { withLock } from "./lock.ts";
 * import { denoRuntime } from "@ssokit/aws-sso";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const runtime = denoRuntime();
 * const count = await withLock(runtime, `${dir}/counter.lock`, async () => {
 *   const n = Number(await runtime.fs.readTextFile(`${dir}/counter`) ?? "0") + 1;
 *   await runtime.fs.writeFile(`${dir}/counter`, String(n));
 *   return n;
 * });
 * assert.equal(count, 1);
 * assert.equal(await runtime.fs.readTextFile(`${dir}/counter.lock`), null);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function withLock<T>(
  runtime: Runtime,
  lockPath: string,
  fn: () => Promise<T>,
  options: WithLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const id = await acquire(runtime, lockPath, staleMs, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const heartbeat = startHeartbeat(runtime, lockPath, id, staleMs);
  // Ctrl-C (or the SDK's caller ending) must not leave the next caller waiting for a stale lock.
  const forget = runtime.onInterrupt?.(() => release(runtime, lockPath, id, staleMs));
  try {
    return await fn();
  } finally {
    forget?.();
    await heartbeat.stop();
    await release(runtime, lockPath, id, staleMs);
  }
}

/** Waits until the lock is ours; resolves to our `id`. */
async function acquire(
  runtime: Runtime,
  lockPath: string,
  staleMs: number,
  timeoutMs: number,
): Promise<string> {
  const record = newRecord(runtime);
  const start = runtime.now();
  const watch: Watch = { waitedMs: 0, seen: new Map() };
  let lastRound = start;
  let noted = false;
  let vanished = 0;
  for (;;) {
    if (await tryCreate(runtime, lockPath, record)) return record.id;
    const held = await inspect(runtime, lockPath, staleMs, watch);
    if (held === null) {
      // Released between our two looks: try again at once. Unless it keeps "vanishing", as a
      // dangling symlink in its place would: then wait like for any holder, and time out.
      if (++vanished <= 3) continue;
    } else {
      vanished = 0;
      if (held.stale && await breakStale(runtime, lockPath, held.key, staleMs, 0, watch)) continue;
    }
    // Its own waiting, not the wall clock's: a clock that jumps (a laptop waking) must not end
    // the wait for a holder that is still at work.
    const waited = watch.waitedMs;
    if (waited >= timeoutMs) {
      throw new SsoError(
        "LOCK_TIMEOUT",
        `Cannot lock ${lockPath}: still held${holder(held)} after ${Math.round(waited / 1000)} s`,
        { hint: `remove ${lockPath} if no aws-sso is running` },
      );
    }
    if (!noted && waited >= NOTE_AFTER_MS) {
      noted = true;
      runtime.stderr.write(`aws-sso: waiting for ${lockPath}${holder(held)}\n`);
    }
    await runtime.sleep(POLL_MIN_MS + Math.random() * (POLL_MAX_MS - POLL_MIN_MS));
    // This round's time by the clock, but never more than a round can take: a clock that steps
    // forward meanwhile adds at most that much.
    const now = runtime.now();
    watch.waitedMs += Math.min(Math.max(now - lastRound, 0), MAX_ROUND_MS);
    lastRound = now;
  }
}

/** `" by pid 12 on host"`, or `""` when unknown. */
function holder(held: Held | null): string {
  if (!held?.record) return "";
  return ` by pid ${held.record.pid}${held.record.host ? ` on ${held.record.host}` : ""}`;
}

/** A fresh record for this process. */
function newRecord(runtime: Runtime): LockRecord {
  return {
    pid: runtime.pid,
    host: runtime.hostname,
    createdAt: new Date(runtime.now()).toISOString(),
    id: randomHex(12),
  };
}

/**
 * Creates `path` exclusively with `record`: `true` if we did, `false` if it exists. A missing
 * folder is created (`0700`).
 */
async function tryCreate(runtime: Runtime, path: string, record: LockRecord): Promise<boolean> {
  const text = JSON.stringify(record) + "\n";
  for (let attempt = 0;; attempt++) {
    try {
      await runtime.fs.writeFile(path, text, { createNew: true, mode: 0o600 });
      return true;
    } catch (err) {
      if (err instanceof Deno.errors.AlreadyExists) return false;
      if (err instanceof Deno.errors.NotFound && attempt === 0) {
        await runtime.fs.mkdir(dirname(path), 0o700).catch(() => {});
        continue;
      }
      throw lockError(path, err);
    }
  }
}

/** Reads a lock (or claim) file and judges it; `null` when it does not exist. */
/**
 * What a waiter has seen of the locks it waits for: how long it has waited (its rounds by the
 * clock, each counted for at most `MAX_ROUND_MS`, so a clock step barely moves it) and, per
 * holding, the mtime it last saw and when in that wait it first saw it.
 */
interface Watch {
  waitedMs: number;
  seen: Map<string, { mtimeMs: number; sinceMs: number }>;
}

async function inspect(
  runtime: Runtime,
  path: string,
  staleMs: number,
  watch?: Watch,
): Promise<Held | null> {
  let text: string | null;
  let info;
  try {
    text = await runtime.fs.readTextFile(path);
    info = await runtime.fs.stat(path);
  } catch (err) {
    throw lockError(path, err);
  }
  if (text === null || info === null) return null;
  const record = parseRecord(text);
  // Untouched for staleMs, or touched more than that ahead of our clock (set back since): a live
  // holder touches it with the clock we read, so neither is one. Only otherwise ask after its pid.
  const old = info.mtimeMs !== null && Math.abs(runtime.now() - info.mtimeMs) > staleMs;
  const here = record !== undefined && record.host === runtime.hostname;
  const key = record?.id ?? "unknown";
  if (!here) return { key, stale: old, record };
  const alive = runtime.isAlive(record.pid);
  if (alive === false) return { key, stale: true, record };
  if (alive === undefined || !watch || info.mtimeMs === null) return { key, stale: old, record };
  // Its holder lives: old by the clock may only mean that the clock stepped forward (a laptop
  // resumed), and the holder touches it again within staleMs / 3. So it is stale only once its
  // file has also stood still for staleMs of this waiter's own waiting (a stopped holder, which
  // loses its lock as with any lease).
  const holder = `${record.host}\n${record.pid}`;
  if (old && performance.now() - (stoodStill.get(holder) ?? -Infinity) < STOOD_STILL_MS) {
    return { key, stale: true, record };
  }
  let seen = watch.seen.get(key);
  if (seen?.mtimeMs !== info.mtimeMs) {
    seen = { mtimeMs: info.mtimeMs, sinceMs: watch.waitedMs };
    watch.seen.set(key, seen);
  }
  const stale = old && watch.waitedMs - seen.sinceMs >= staleMs;
  if (stale) stoodStill.set(holder, performance.now());
  return { key, stale, record };
}

/**
 * Holders (host and pid) one of whose locks stood still for `staleMs` while watched, with when
 * (monotonic ms): stopped or dead, since a running holder touches each lock it holds. For a
 * minute, their other old locks (a sign-in's session lock inside a role's lock) are stale at
 * once, without another watch.
 */
const stoodStill = new Map<string, number>();
const STOOD_STILL_MS = 60_000;

/** The record in a lock file, or `undefined` if it is not one (empty while being created). */
function parseRecord(text: string): LockRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { pid, host, createdAt, id } = value as Record<string, unknown>;
  if (
    typeof pid !== "number" || typeof host !== "string" || typeof createdAt !== "string" ||
    typeof id !== "string" || !/^[0-9a-f]{1,64}$/.test(id) // it becomes part of a file name
  ) {
    return undefined;
  }
  return { pid, host, createdAt, id };
}

/**
 * Removes the stale holding `key` of `path`, under its claim (see the comment at the top).
 * Resolves to `true` if `path` is gone or no longer holds `key`, so that a fresh `createNew` is
 * worth trying; `false` if someone else holds the claim.
 */
async function breakStale(
  runtime: Runtime,
  path: string,
  key: string,
  staleMs: number,
  depth = 0,
  watch?: Watch,
): Promise<boolean> {
  const claim = `${path}.${key}.claim`;
  if (!await tryCreate(runtime, claim, newRecord(runtime))) {
    // Another waiter is taking it over, or its holder is releasing it. Unless that one died here.
    const other = await inspect(runtime, claim, staleMs);
    if (other?.stale && depth < 3) await breakStale(runtime, claim, other.key, staleMs, depth + 1);
    return false;
  }
  try {
    const held = await inspect(runtime, path, staleMs, watch);
    if (held === null || held.key !== key) return true;
    if (!held.stale) return false; // its holder touched it after all
    await runtime.fs.remove(path).catch((err) => {
      throw lockError(path, err);
    });
    return true;
  } finally {
    await runtime.fs.remove(claim).catch(() => {});
  }
}

/**
 * Removes our lock, under its claim, if it still holds `id`. Best effort: a lock we cannot remove
 * goes stale and is taken over.
 */
async function release(
  runtime: Runtime,
  lockPath: string,
  id: string,
  staleMs: number,
): Promise<void> {
  const claim = `${lockPath}.${id}.claim`;
  try {
    // A waiter may hold our claim for a moment, judging our lock; it will find it fresh.
    for (let attempt = 0; attempt < 40; attempt++) {
      if (await tryCreate(runtime, claim, newRecord(runtime))) {
        try {
          const held = await inspect(runtime, lockPath, staleMs);
          if (held?.key === id) await runtime.fs.remove(lockPath);
        } finally {
          await runtime.fs.remove(claim);
        }
        return;
      }
      const other = await inspect(runtime, claim, staleMs);
      if (other?.stale) await breakStale(runtime, claim, other.key, staleMs, 1);
      else await runtime.sleep(POLL_MIN_MS);
    }
  } catch {
    // Left behind, it goes stale: our pid dies, or it stops being touched.
  }
}

/** The running heartbeat of a held lock. */
interface Heartbeat {
  /** Stops touching the lock; resolves once no touch is in flight. */
  stop(): Promise<void>;
}

/**
 * Touches the lock every `staleMs / 3` so that it is not taken over while `fn` runs. Stops, with a
 * note on stderr, if the lock turns out to have been taken over.
 */
function startHeartbeat(
  runtime: Runtime,
  lockPath: string,
  id: string,
  staleMs: number,
): Heartbeat {
  let beat: Promise<void> = Promise.resolve();
  let lost = false;
  const touch = async (): Promise<void> => {
    if (lost) return;
    const held = await inspect(runtime, lockPath, Infinity);
    if (held?.key === id) {
      await runtime.fs.utime(lockPath, runtime.now());
      return;
    }
    lost = true;
    runtime.stderr.write(`aws-sso: warning: lost ${lockPath}: it was taken over while held\n`);
  };
  const timer = setInterval(() => {
    beat = beat.then(touch).catch(() => {});
  }, Math.max(1, Math.floor(staleMs / 3)));
  return {
    async stop() {
      clearInterval(timer);
      await beat;
    },
  };
}

/** The `FILE_ERROR` for a lock file that cannot be created, read or removed. */
function lockError(path: string, err: unknown): SsoError {
  if (err instanceof SsoError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const reason = message.split(" (os error")[0] ?? message;
  return new SsoError(
    "FILE_ERROR",
    `Cannot lock ${path}: ${asClause(reason)}`,
    { hint: `check that you can write to ${dirname(path)}`, cause: err },
  );
}

/** `bytes` random bytes as lower-case hex. */
function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)))
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}
