/**
 * The concurrency soak: N CLI processes at once against one HOME for D seconds, mixing `-ext`,
 * `[default]` writes, `-env`, discovery and `--list`, while the fake expires every access token at
 * intervals (and now and then revokes the refresh tokens, forcing a new sign-in) and role
 * credentials live too short to be reused. A watcher parses every file in a loop meanwhile.
 * Used by `concurrency_test.ts` (small) and `scripts/soak.ts` (full).
 *
 * @module
 */

import { join } from "node:path";
import { createPrng } from "../../testing/faults.ts";
import { type FakeAws, type FaultRule, startFakeAws } from "../../testing/mod.ts";
import {
  cleanFailureProblem,
  type CliRun,
  FAKE_BROWSER,
  leakedIntoFiles,
  looseModes,
  lostHandWritten,
  parseProblem,
  runCliTimed,
  SAMPLE_ROLES,
  secretsIn,
  type SeededHome,
  seedHome,
  tornFiles,
} from "./_harness.ts";

/** Options of {@linkcode runSoak}. */
export interface SoakOptions {
  /** The temp HOME (empty). */
  home: string;
  /** Processes running at once. */
  processes: number;
  /** How long new processes are started, ms. */
  durationMs: number;
  /** Time between two expiries of every access token, ms. */
  expireEveryMs: number;
  /** Every this many expiries also revoke the refresh tokens: a sign-in instead of a refresh. */
  revokeEvery: number;
  /** Fraction of portal requests that get a transient fault (500, 503, 429, reset, cut JSON). */
  faultRatio: number;
  /** Seed of the mode choices and the fake's fault draws. */
  seed: number;
  /** A process still running after this long counts as hung and is killed, ms. */
  processTimeoutMs: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What a soak saw. */
export interface SoakReport {
  processes: number;
  durationMs: number;
  runs: number;
  ok: number;
  /** Runs that failed with one clear line. */
  cleanFailures: number;
  /** Runs that failed otherwise (a stack, an untyped error, two lines, …), with their output. */
  badFailures: string[];
  /** Runs killed at their time limit. */
  hung: number;
  byMode: Record<string, number>;
  /** Access token expiries the fake made. */
  expiries: number;
  /** Of those, the ones that also revoked the refresh tokens. */
  revokes: number;
  /** Expiries followed by a renewal before the next one (the others had no portal call). */
  noticedExpiries: number;
  /** Of those, the ones that also revoked the refresh tokens. */
  noticedRevokes: number;
  signIns: number;
  refreshes: number;
  registrations: number;
  faultsInjected: number;
  throttled: number;
  /** Reads and parses the watcher made during the run, and what it found torn. */
  fileReads: number;
  torn: string[];
  /** Hand-written profiles or comments lost or altered. */
  lost: string[];
  /** Secrets found on stderr, on stdout of modes that print none, or in files that hold none. */
  leaked: string[];
  /** Secret files readable by others, or their folders not 0700. */
  looseModes: string[];
  /** Files under HOME at the end. */
  filesAtEnd: number;
  msP50: number;
  msP95: number;
  msMax: number;
}

/** The modes a soak process runs, with their weights. */
const MODES: [name: string, weight: number][] = [
  ["ext", 45],
  ["default", 15],
  ["write-profile", 5],
  ["env", 15],
  ["discover", 15],
  ["list", 5],
];

/** The arguments of one run of `mode`. */
function argsFor(mode: string, random: () => number): string[] {
  const role = SAMPLE_ROLES[Math.floor(random() * SAMPLE_ROLES.length)]!;
  switch (mode) {
    case "ext":
      return ["-p", "corp", "-r", role, "-ext"];
    case "default":
      return ["-p", "corp", "-r", role];
    case "write-profile":
      return ["-p", "corp", "-r", role, "--write-profile", `soak-${Math.floor(random() * 3)}`];
    case "env":
      return ["-p", "corp", "-r", role, "-env"];
    case "discover":
      // Two templates and --prune: each run rewrites what the other wrote.
      return random() < 0.5
        ? ["-p", "corp", "-d", "--prune"]
        : ["-p", "corp", "-d", "--prune", "--profile-name", "{account_name}-{role_name}"];
    default:
      return ["-p", "corp", "--list"];
  }
}

/** Picks a mode by weight. */
function pickMode(random: () => number): string {
  let r = random() * MODES.reduce((n, [, w]) => n + w, 0);
  for (const [name, weight] of MODES) {
    if ((r -= weight) < 0) return name;
  }
  return "ext";
}

/** Transient faults on the portal operations, each at `ratio`. */
function soakFaults(ratio: number): FaultRule[] {
  if (ratio <= 0) return [];
  const kinds = ["internal", "unavailable", "throttle", "reset", "truncate", "malformed"] as const;
  const ops = ["getRoleCredentials", "listAccounts", "listAccountRoles"] as const;
  return ops.flatMap((op) => kinds.map((kind): FaultRule => ({ op, kind, ratio })));
}

/** Reads and parses every shared file in a loop until stopped; counts reads, keeps problems. */
function startWatcher(home: string): { stop(): Promise<{ reads: number; torn: string[] }> } {
  let stopped = false;
  let reads = 0;
  const torn: string[] = [];
  const aws = join(home, ".aws");
  const list = async (dir: string): Promise<string[]> => {
    try {
      return (await Array.fromAsync(Deno.readDir(join(aws, dir))))
        .filter((e) => e.isFile && e.name.endsWith(".json"))
        .map((e) => `.aws/${dir}/${e.name}`);
    } catch {
      return [];
    }
  };
  const loop = (async () => {
    while (!stopped) {
      const files = [
        ".aws/config",
        ".aws/credentials",
        ".aws/aws-sso/recent.json",
        ...await list("sso/cache"),
        ...await list("cli/cache"),
      ];
      for (const rel of files) {
        let text: string;
        try {
          text = await Deno.readTextFile(join(home, rel));
        } catch {
          continue; // not there (yet)
        }
        reads++;
        const problem = parseProblem(rel, text);
        if (problem && torn.length < 20) torn.push(`${rel}: ${problem}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { reads, torn };
    },
  };
}

/** Percentile of sorted numbers. */
function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0;
}

/** Sign-ins plus refreshes the fake has seen. */
function renewals(aws: FakeAws): number {
  const c = aws.counters.createToken;
  return c.authorization_code + c.refresh_token + c.device_code;
}

/**
 * Runs the soak and reports what it saw. Nothing is asserted here: the caller decides.
 *
 * @param options size, length, expiry pace, faults and seed
 * @returns the figures and every problem found
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const random = createPrng(options.seed);
  await using aws = await startFakeAws({
    roleCredentialsTtlSeconds: 600, // under the 15-minute reuse window: every call asks the portal
    seed: options.seed,
    faults: soakFaults(options.faultRatio),
  });
  const seeded: SeededHome = await seedHome(options.home, aws); // no session: the first signs in
  const env = { ...aws.env, BROWSER: FAKE_BROWSER };
  const runs: { mode: string; run: CliRun }[] = [];
  const watcher = startWatcher(options.home);
  const start = performance.now();
  const deadline = start + options.durationMs;

  // Expire every access token at intervals, noting the renewals seen at each expiry: an expiry
  // is noticed when a renewal (refresh or sign-in) follows before the next one.
  const marks: { renewals: number; revoked: boolean }[] = [];
  let ticking = true;
  const ticker = (async () => {
    let next = performance.now() + options.expireEveryMs;
    while (ticking) {
      await new Promise((r) => setTimeout(r, 20));
      if (!ticking || performance.now() < next) continue;
      const revoke = (marks.length + 1) % options.revokeEvery === 0;
      marks.push({ renewals: renewals(aws), revoked: revoke });
      if (revoke) aws.revokeRefreshTokens();
      aws.expireAccessTokens();
      log(`expiry ${marks.length}${revoke ? " (and refresh tokens revoked)" : ""}`);
      next += options.expireEveryMs;
    }
  })();

  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const mode = pickMode(random);
      const run = await runCliTimed(argsFor(mode, random), {
        home: options.home,
        env,
        timeoutMs: options.processTimeoutMs,
      });
      runs.push({ mode, run });
    }
  };
  await Promise.all(Array.from({ length: options.processes }, worker));
  ticking = false;
  await ticker;
  // The last expiry may not have been noticed yet: one more call notices it.
  const last = await runCliTimed(argsFor("ext", random), {
    home: options.home,
    env,
    timeoutMs: options.processTimeoutMs,
  });
  runs.push({ mode: "ext", run: last });
  marks.push({ renewals: renewals(aws), revoked: false });
  const expiries = marks.slice(0, -1);
  const noticed = expiries.filter((m, i) => marks[i + 1]!.renewals > m.renewals);
  const watched = await watcher.stop();
  const durationMs = performance.now() - start;

  const report: SoakReport = {
    processes: options.processes,
    durationMs,
    runs: runs.length,
    ok: 0,
    cleanFailures: 0,
    badFailures: [],
    hung: 0,
    byMode: {},
    expiries: expiries.length,
    revokes: expiries.filter((m) => m.revoked).length,
    noticedExpiries: noticed.length,
    noticedRevokes: noticed.filter((m) => m.revoked).length,
    signIns: aws.counters.createToken.authorization_code,
    refreshes: aws.counters.createToken.refresh_token,
    registrations: aws.counters.registerClient,
    faultsInjected: aws.counters.faults,
    throttled: aws.counters.throttled,
    fileReads: watched.reads,
    torn: [...watched.torn, ...(await tornFiles(options.home)).map((t) => `at the end: ${t}`)],
    lost: await lostHandWritten(seeded),
    leaked: [],
    looseModes: await looseModes(options.home),
    filesAtEnd: 0,
    msP50: 0,
    msP95: 0,
    msMax: 0,
  };
  const issued = aws.issued;
  for (const { mode, run } of runs) {
    report.byMode[mode] = (report.byMode[mode] ?? 0) + 1;
    if (run.timedOut) report.hung++;
    else if (run.code === 0) report.ok++;
    else {
      const problem = cleanFailureProblem(run);
      if (problem) report.badFailures.push(problem);
      else report.cleanFailures++;
    }
    const printsSecrets = mode === "ext" || mode === "env";
    const found = secretsIn(run.stderr + (printsSecrets ? "" : run.stdout), issued);
    if (found.length) report.leaked.push(`${run.args.join(" ")}: ${found.join(", ")}`);
  }
  report.leaked.push(...await leakedIntoFiles(options.home, issued));
  const times = runs.map((r) => r.run.ms).sort((a, b) => a - b);
  report.msP50 = percentile(times, 0.5);
  report.msP95 = percentile(times, 0.95);
  report.msMax = times.at(-1) ?? 0;
  for await (const _ of walk(options.home)) report.filesAtEnd++;
  return report;
}

/** Every file under `dir`. */
async function* walk(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* walk(path);
    else yield path;
  }
}

/** The problems of a soak report: what must be zero or equal. */
export function soakProblems(r: SoakReport): string[] {
  const problems: string[] = [];
  if (r.hung) problems.push(`${r.hung} processes hung`);
  if (r.badFailures.length) problems.push(...r.badFailures.slice(0, 5));
  if (r.torn.length) problems.push(...r.torn.map((t) => `torn: ${t}`));
  if (r.lost.length) problems.push(...r.lost.map((l) => `lost: ${l}`));
  if (r.leaked.length) problems.push(...r.leaked.map((l) => `leaked: ${l}`));
  if (r.looseModes.length) problems.push(...r.looseModes.map((l) => `mode: ${l}`));
  // One sign-in at the start; then per noticed expiry one refresh attempt, and after a revoke
  // (the refresh is refused) one sign-in: never one per process.
  if (r.refreshes !== r.noticedExpiries) {
    problems.push(`${r.refreshes} refreshes for ${r.noticedExpiries} noticed expiries`);
  }
  if (r.signIns !== 1 + r.noticedRevokes) {
    problems.push(`${r.signIns} sign-ins for 1 start + ${r.noticedRevokes} noticed revokes`);
  }
  if (r.registrations !== 1) problems.push(`${r.registrations} client registrations`);
  if (r.ok < r.runs * 0.9) problems.push(`only ${r.ok} of ${r.runs} runs succeeded`);
  return problems;
}

/** The report as a few lines. */
export function formatSoak(r: SoakReport): string {
  const modes = Object.entries(r.byMode).map(([m, n]) => `${m} ${n}`).join(", ");
  return [
    `processes ${r.processes}, ${(r.durationMs / 1000).toFixed(1)} s, ${r.runs} runs (${modes})`,
    `  exit 0: ${r.ok}, clean failures: ${r.cleanFailures}, other failures: ${r.badFailures.length}, hung: ${r.hung}`,
    `  run time p50 ${Math.round(r.msP50)} ms, p95 ${Math.round(r.msP95)} ms, max ${
      Math.round(r.msMax)
    } ms`,
    `  expiries ${r.expiries} (${r.revokes} with refresh tokens revoked; noticed ${r.noticedExpiries}/${r.noticedRevokes}); ` +
    `sign-ins ${r.signIns}, refresh attempts ${r.refreshes}, client registrations ${r.registrations}`,
    `  faults injected ${r.faultsInjected} (throttled ${r.throttled})`,
    `  file reads during the run ${r.fileReads}, files at the end ${r.filesAtEnd}`,
    `  torn ${r.torn.length}, lost ${r.lost.length}, leaked ${r.leaked.length}, loose modes ${r.looseModes.length}`,
  ].join("\n");
}
