/**
 * Kill -9: CLI processes killed with SIGKILL at random moments during sign-in, refresh, discovery
 * and credential writes, all against one HOME. Afterwards every file must hold a whole old or new
 * content, the locks the dead left behind must be taken over (by their age: under the scoped
 * permission flags a process cannot signal another, so a dead owner is not seen dead), and the
 * next runs must succeed. Used by `kill9_test.ts` (small) and `scripts/soak.ts` (full).
 *
 * @module
 */

import { join } from "node:path";
import { sha1Hex } from "../../src/token/sha1_hex.ts";
import { createPrng } from "../../testing/faults.ts";
import { startFakeAws } from "../../testing/mod.ts";
import {
  type CliRun,
  FAKE_BROWSER,
  leakedIntoFiles,
  lostHandWritten,
  ROLE_ARN,
  runCliTimed,
  SAMPLE_ROLES,
  seedHome,
  snapshot,
  startCli,
  tornFiles,
} from "./_harness.ts";

/** Options of {@linkcode runKillCampaign}. */
export interface KillOptions {
  /** The temp HOME (empty). */
  home: string;
  /** Processes started and killed at once. */
  workers: number;
  /** How long to keep killing, ms. */
  durationMs: number;
  /** Seed of the choices and kill moments. */
  seed: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What a kill campaign saw. */
export interface KillReport {
  /** Processes killed while running, by mode. */
  kills: Record<string, number>;
  /** Processes that had exited before their kill moment. */
  finishedFirst: number;
  /** Files not whole right after the kills, and after the recovery runs. */
  torn: string[];
  /** Hand-written profiles or comments lost or altered. */
  lost: string[];
  /** Secrets in files that must hold none. */
  leaked: string[];
  /** The runs after the kills: each must exit 0. */
  recovery: CliRun[];
  /** Locks, claims and temp files the dead left that are still there after recovery. */
  leftovers: string[];
  /** Files checked at the end. */
  filesChecked: number;
}

/** The modes killed, with what each holds a lock for. */
const MODES = ["sign-in", "ext", "default", "write-profile", "discover", "env"] as const;

/** The arguments of one run of `mode`. */
function argsFor(mode: typeof MODES[number], random: () => number): string[] {
  const role = SAMPLE_ROLES[Math.floor(random() * SAMPLE_ROLES.length)]!;
  switch (mode) {
    case "sign-in":
      return ["-p", "corp", "--login"];
    case "ext":
      return ["-p", "corp", "-r", role, "-ext"];
    case "default":
      return ["-p", "corp", "-r", role];
    case "write-profile":
      return ["-p", "corp", "-r", role, "--write-profile", `kill-${Math.floor(random() * 3)}`];
    case "discover":
      return random() < 0.5
        ? ["-p", "corp", "-d", "--prune"]
        : ["-p", "corp", "-d", "--prune", "--profile-name", "{account_name}-{role_name}"];
    default:
      return ["-p", "corp", "-r", role, "-env"];
  }
}

/**
 * Starts processes and kills each with SIGKILL at a random moment of its run, while the fake
 * expires the access tokens every second (refreshes) and now and then revokes the refresh tokens
 * (sign-ins); then checks the files and runs each mode once more.
 *
 * @param options size, length and seed
 * @returns what it saw; nothing is asserted here
 */
export async function runKillCampaign(options: KillOptions): Promise<KillReport> {
  const log = options.log ?? (() => {});
  const random = createPrng(options.seed);
  // Slow answers stretch each step, so kills land inside sign-ins, refreshes and writes.
  await using aws = await startFakeAws({ latencyMs: 25, roleCredentialsTtlSeconds: 600 });
  const seeded = await seedHome(options.home, aws, { session: true });
  const env = { ...aws.env, BROWSER: FAKE_BROWSER };
  const report: KillReport = {
    kills: {},
    finishedFirst: 0,
    torn: [],
    lost: [],
    leaked: [],
    recovery: [],
    leftovers: [],
    filesChecked: 0,
  };
  const deadline = performance.now() + options.durationMs;
  let ticking = true;
  const ticker = (async () => {
    for (let i = 1; ticking; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      if (i % 3 === 0) aws.revokeRefreshTokens();
      aws.expireAccessTokens();
    }
  })();
  const typical = new Map<string, number>();
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const mode = MODES[Math.floor(random() * MODES.length)]!;
      const child = startCli(argsFor(mode, random), { home: options.home, env, timeoutMs: 30_000 });
      // Anywhere in the run: up to a little more than this mode's runs take (learnt as we go).
      const at = 50 + random() * (typical.get(mode) ?? 1_000) * 1.1;
      const exited = await Promise.race([
        child.done.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), at)),
      ]);
      if (exited) {
        report.finishedFirst++;
        const ms = (await child.done).ms;
        typical.set(mode, ((typical.get(mode) ?? ms) + ms) / 2);
      } else {
        child.kill();
        report.kills[mode] = (report.kills[mode] ?? 0) + 1;
        // Killed before its end: its runs may be longer than thought (a loaded machine).
        typical.set(mode, (typical.get(mode) ?? 1_000) * 1.15);
      }
      await child.done;
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  ticking = false;
  await ticker;
  const killed = Object.values(report.kills).reduce((a, b) => a + b, 0);
  log(`killed ${killed} processes (${report.finishedFirst} finished first)`);

  report.torn.push(...(await tornFiles(options.home)).map((t) => `after the kills: ${t}`));
  report.lost.push(...await lostHandWritten(seeded));

  // Recovery: each mode once more, in turn; stale locks are taken over on the way.
  for (
    const args of [
      ["-p", "corp", "-r", ROLE_ARN, "-ext"],
      ["-p", "corp", "-r", ROLE_ARN],
      ["-p", "corp", "-r", ROLE_ARN, "--write-profile", "kill-0"],
      ["-p", "corp", "-d", "--prune"],
      ["-p", "corp", "--list"],
    ]
  ) {
    const run = await runCliTimed(args, { home: options.home, env, timeoutMs: 30_000 });
    report.recovery.push(run);
    log(`recovery ${args.slice(2).join(" ")}: exit ${run.code} in ${Math.round(run.ms)} ms`);
  }
  report.torn.push(...(await tornFiles(options.home)).map((t) => `after recovery: ${t}`));
  report.lost.push(...await lostHandWritten(seeded));
  report.leaked.push(...await leakedIntoFiles(options.home, aws.issued));
  const files = await snapshot(options.home);
  report.filesChecked = files.size;
  report.leftovers = [...files.keys()].filter((f) => /\.(lock|claim|tmp)$/.test(f));
  return report;
}

/** A measured take-over of a lock whose holder was killed. */
export interface Takeover {
  /** Which lock. */
  lock: string;
  /** From the SIGKILL to the lock changing hands, ms. */
  takeoverMs: number;
  /** The run that waited for it. */
  waiter: CliRun;
}

/**
 * Kills a process while it holds a lock (the session lock during a sign-in, or a role's lock
 * during GetRoleCredentials, both held open by a slow answer), starts one that needs the same
 * lock, and measures how long the lock takes to change hands.
 *
 * @param home an empty temp HOME
 * @param which `session` or `role`
 * @returns the measured take-over
 */
export async function measureTakeover(home: string, which: "session" | "role"): Promise<Takeover> {
  await using aws = await startFakeAws({ roleCredentialsTtlSeconds: 600 });
  await seedHome(home, aws, { session: which === "role" });
  const env = { ...aws.env, BROWSER: FAKE_BROWSER };
  let lock: string;
  let holderArgs: string[];
  if (which === "session") {
    // No token: the holder signs in, and its CreateToken answer is held back.
    aws.setFaults([{ op: "createToken", kind: "delay", delayMs: 60_000, count: 1 }]);
    lock = join(home, ".aws", "sso", "cache", `${sha1Hex("corp")}.lock`);
    holderArgs = ["-p", "corp", "-r", ROLE_ARN, "-ext"];
  } else {
    aws.setFaults([{ op: "getRoleCredentials", kind: "delay", delayMs: 60_000, count: 1 }]);
    lock = join(home, ".aws", "cli", "cache");
    holderArgs = ["-p", "corp", "-r", ROLE_ARN, "-ext"];
  }
  const holder = startCli(holderArgs, { home, env, timeoutMs: 60_000 });
  const lockFile = await waitForLock(
    lock,
    () =>
      which === "session"
        ? aws.counters.createToken.authorization_code > 0
        : aws.counters.getRoleCredentials > 0,
  );
  const heldBy = await Deno.readTextFile(lockFile);
  holder.kill();
  const killedAt = performance.now();
  await holder.done;
  const waiter = startCli(["-p", "corp", "-r", ROLE_ARN, "-ext"], { home, env, timeoutMs: 30_000 });
  let takeoverMs = NaN;
  for (;;) {
    const now = await Deno.readTextFile(lockFile).catch(() => "");
    if (now !== heldBy) {
      takeoverMs = performance.now() - killedAt;
      break;
    }
    if (performance.now() - killedAt > 30_000) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { lock: which, takeoverMs, waiter: await waiter.done };
}

/**
 * Waits until a lock file exists at `path` (or, for a folder, a `.lock` in it) and the holder is
 * inside the slow call (`inside()`); returns the lock file.
 */
async function waitForLock(path: string, inside: () => boolean): Promise<string> {
  for (let i = 0; i < 1_000; i++) {
    if (!inside()) {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    if (path.endsWith(".lock")) {
      if ((await Deno.readTextFile(path).catch(() => "")).includes('"id"')) return path;
    } else {
      const names = await Array.fromAsync(Deno.readDir(path)).catch(() => []);
      const lock = names.find((e) => e.name.endsWith(".lock"));
      if (lock) {
        const file = join(path, lock.name);
        if ((await Deno.readTextFile(file).catch(() => "")).includes('"id"')) return file;
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no lock appeared at ${path}`);
}
