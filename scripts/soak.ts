/**
 * The full proving ground (`deno task soak`): a concurrency soak with transient faults and token
 * expiries, a kill -9 campaign with measured lock take-overs, and every fuzz property at length,
 * against the fake AWS in temp HOMEs. Prints the figures (and, with `--out`, writes them as
 * Markdown); exits 1 if anything was lost, torn, leaked, hung or failed unclearly.
 *
 * ```sh
 * deno task soak                                   # 50 processes × 60 s, …
 * deno task soak --processes 10 --duration 15      # a quick one
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { withTmpDir } from "../tests/helpers.ts";
import { fuzzAws, fuzzProperties } from "../tests/reliability/_fuzz.ts";
import { type KillReport, measureTakeover, runKillCampaign } from "../tests/reliability/_kill.ts";
import { formatSoak, runSoak, soakProblems, type SoakReport } from "../tests/reliability/_soak.ts";

const USAGE = `Usage: deno task soak [options]

Options:
  --processes N       CLI processes at once in the soak (default 50)
  --duration S        soak length, seconds (default 60)
  --expire-every S    seconds between access token expiries (default 5)
  --revoke-every K    every K-th expiry also revokes the refresh tokens (default 3)
  --fault-ratio X     share of portal requests given each transient fault kind (default 0.01)
  --kill-workers N    processes started and killed at once (default 8)
  --kill-duration S   kill campaign length, seconds (default 30)
  --takeovers N       measured take-overs of each lock (default 3)
  --fuzz-runs N       cases per fuzz property (default 2000)
  --seed N            seed of every random choice (default 1)
  --out FILE          also write the figures to FILE as Markdown
  -h, --help          this help
`;

/** The command line, read. */
interface Options {
  processes: number;
  duration: number;
  expireEvery: number;
  revokeEvery: number;
  faultRatio: number;
  killWorkers: number;
  killDuration: number;
  takeovers: number;
  fuzzRuns: number;
  seed: number;
  out: string | undefined;
}

/** Reads the flags; `null` for --help. */
function options(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      processes: { type: "string" },
      duration: { type: "string" },
      "expire-every": { type: "string" },
      "revoke-every": { type: "string" },
      "fault-ratio": { type: "string" },
      "kill-workers": { type: "string" },
      "kill-duration": { type: "string" },
      takeovers: { type: "string" },
      "fuzz-runs": { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  const num = (name: keyof typeof values, fallback: number): number => {
    const v = values[name];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (typeof v !== "string" || !Number.isFinite(n) || n < 0) {
      throw new TypeError(`Invalid --${name}: ${v}`);
    }
    return n;
  };
  return {
    processes: num("processes", 50),
    duration: num("duration", 60),
    expireEvery: num("expire-every", 5),
    revokeEvery: Math.max(1, num("revoke-every", 3)),
    faultRatio: num("fault-ratio", 0.01),
    killWorkers: num("kill-workers", 8),
    killDuration: num("kill-duration", 30),
    takeovers: num("takeovers", 3),
    fuzzRuns: num("fuzz-runs", 2000),
    seed: num("seed", 1),
    out: values.out,
  };
}

/** Prints a line with the elapsed time. */
const started = performance.now();
function log(line: string): void {
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
}

/** Runs every phase; returns the exit code. */
async function soak(o: Options): Promise<number> {
  const problems: string[] = [];

  log(`soak: ${o.processes} processes for ${o.duration} s`);
  let report: SoakReport;
  {
    await using home = await withTmpDir();
    report = await runSoak({
      home: home.path,
      processes: o.processes,
      durationMs: o.duration * 1000,
      expireEveryMs: o.expireEvery * 1000,
      revokeEvery: o.revokeEvery,
      faultRatio: o.faultRatio,
      seed: o.seed,
      processTimeoutMs: 120_000,
      log,
    });
  }
  console.log(formatSoak(report));
  problems.push(...soakProblems(report).map((p) => `soak: ${p}`));

  log(`kill -9: ${o.killWorkers} at once for ${o.killDuration} s`);
  let kill: KillReport;
  {
    await using home = await withTmpDir();
    kill = await runKillCampaign({
      home: home.path,
      workers: o.killWorkers,
      durationMs: o.killDuration * 1000,
      seed: o.seed,
      log,
    });
  }
  const kills = Object.values(kill.kills).reduce((a, b) => a + b, 0);
  const takeovers: Record<string, number[]> = { session: [], role: [] };
  for (let i = 0; i < o.takeovers; i++) {
    for (const which of ["session", "role"] as const) {
      await using home = await withTmpDir();
      const m = await measureTakeover(home.path, which);
      takeovers[which]!.push(m.takeoverMs);
      if (m.waiter.code !== 0) problems.push(`take-over (${which}): ${m.waiter.stderr}`);
    }
  }
  const recoveryFailed = kill.recovery.filter((r) => r.code !== 0);
  problems.push(
    ...kill.torn.map((t) => `kill: torn: ${t}`),
    ...kill.lost.map((l) => `kill: lost: ${l}`),
    ...kill.leaked.map((l) => `kill: leaked: ${l}`),
    ...recoveryFailed.map((r) => `kill: recovery failed: ${r.args.join(" ")}: ${r.stderr}`),
  );
  const fmt = (ms: number[]) =>
    ms.length ? `${Math.round(Math.min(...ms))}–${Math.round(Math.max(...ms))} ms` : "—";
  const killLines = [
    `kill -9: ${kills} processes killed (${
      Object.entries(kill.kills).map(([m, n]) => `${m} ${n}`).join(", ")
    }), ${kill.finishedFirst} finished first`,
    `  after the kills: torn ${kill.torn.length}, lost ${kill.lost.length}, leaked ${kill.leaked.length}, ` +
    `${kill.filesChecked} files checked, ${kill.leftovers.length} lock/temp files left (taken over or removed later)`,
    `  recovery runs: ${kill.recovery.length}, failed ${recoveryFailed.length}, ` +
    `times ${kill.recovery.map((r) => Math.round(r.ms)).join("/")} ms`,
    `  lock take-over after SIGKILL: session lock ${fmt(takeovers.session!)}, role lock ${
      fmt(takeovers.role!)
    } (${o.takeovers} each; stale bound 6 s)`,
  ];
  console.log(killLines.join("\n"));

  log(`fuzz: ${o.fuzzRuns} cases per property`);
  const fuzzLines: string[] = [];
  let fuzzCases = 0;
  {
    await using aws = await fuzzAws();
    await using home = await withTmpDir();
    for (const property of fuzzProperties(aws, home.path)) {
      const t = performance.now();
      const runs = property.name.startsWith("IniDocument") ? o.fuzzRuns * 5 : o.fuzzRuns;
      try {
        await property.check(o.fuzzRuns, o.seed);
        fuzzLines.push(
          `  ${runs} cases: ${property.name} (${Math.round(performance.now() - t)} ms)`,
        );
      } catch (err) {
        fuzzLines.push(`  FAILED: ${property.name}`);
        problems.push(`fuzz: ${property.name}: ${(err as Error).message.slice(0, 2000)}`);
      }
      fuzzCases += runs;
    }
  }
  console.log(`fuzz: ${fuzzCases} cases\n${fuzzLines.join("\n")}`);

  const figures = [
    `| figure | value |`,
    `| --- | --- |`,
    `| processes at once × duration | ${report.processes} × ${
      (report.durationMs / 1000).toFixed(0)
    } s |`,
    `| CLI runs (soak) | ${report.runs} (${
      Object.entries(report.byMode).map(([m, n]) => `${m} ${n}`).join(", ")
    }) |`,
    `| exit 0 / clean one-line failures / other failures / hung | ${report.ok} / ${report.cleanFailures} / ${report.badFailures.length} / ${report.hung} |`,
    `| run time p50 / p95 / max | ${Math.round(report.msP50)} / ${Math.round(report.msP95)} / ${
      Math.round(report.msMax)
    } ms |`,
    `| token expiries (with refresh tokens revoked) | ${report.expiries} (${report.revokes}) |`,
    `| sign-ins / refresh attempts / client registrations | ${report.signIns} / ${report.refreshes} / ${report.registrations} |`,
    `| faults injected (of which throttled) | ${report.faultsInjected} (${report.throttled}) |`,
    `| file reads and parses during the soak | ${report.fileReads} |`,
    `| processes killed with SIGKILL | ${kills} |`,
    `| lock take-over after SIGKILL (session / role) | ${fmt(takeovers.session!)} / ${
      fmt(takeovers.role!)
    } |`,
    `| fuzz cases | ${fuzzCases} |`,
    `| lost / torn / leaked | ${report.lost.length + kill.lost.length} / ${
      report.torn.length + kill.torn.length
    } / ${report.leaked.length + kill.leaked.length} |`,
    `| problems | ${problems.length} |`,
  ].join("\n");
  console.log(`\n${figures}`);
  if (problems.length) console.log(`\nPROBLEMS:\n${problems.join("\n")}`);
  if (o.out) {
    await Deno.writeTextFile(
      o.out,
      `# Reliability figures\n\nThe last full run of \`deno task soak\` (${
        new Date().toISOString().slice(0, 10)
      }, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, seed ${o.seed}). ` +
        "Written by\n`deno task soak --out docs/reliability_figures.md` (`scripts/soak.ts`); the " +
        "CI-sized versions of the\nsame checks are `tests/reliability/`.\n\n" +
        `${figures}\n\n${ABOUT}\n\n\`\`\`\n${formatSoak(report)}\n${
          killLines.join("\n")
        }\nfuzz: ${fuzzCases} cases\n${fuzzLines.join("\n")}\n\`\`\`\n`,
    );
    // As `deno task check` wants it (aligned table columns, wrapped prose).
    await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", o.out] }).output();
  }
  log(problems.length ? `${problems.length} problems` : "no problems");
  return problems.length ? 1 : 0;
}

/** What the figures of `--out` mean: the runs with the default options. */
const ABOUT = `What was run:

- **Soak**: 50 \`aws-sso\` processes at once (each a fresh \`deno run\` under the documented permission
  flags) against one temp HOME for 60 s, mixing \`-ext\`, \`[default]\` and \`--write-profile\` writes,
  \`-env\`, \`-d --prune\` (two name templates, so each run rewrites what the other wrote) and \`--list\`.
  No session at the start; every 5 s the fake expires every access token, and every third time also
  revokes the refresh tokens; role credentials live 10 minutes, under the 15-minute reuse window, so
  every run asks the portal. Each portal operation gets each transient fault (500, 503, 429, reset,
  truncated and malformed JSON) on 1% of requests. A watcher parses the config, credentials, token,
  registration and role cache files in a loop meanwhile; hand-written profiles and comments are
  compared byte for byte at the end.
- **kill -9**: 8 processes at a time, each killed with SIGKILL at a random moment of its run
  (sign-in, \`-ext\`, \`-env\`, default and \`--write-profile\` writes, discovery), for 30 s, with the
  access tokens expiring every second; then every file is parsed and each mode is run once more. The
  take-over times are measured separately: a holder killed inside a held-back CreateToken (session
  lock) or GetRoleCredentials (role lock), and a second process that needs the lock. Under the
  scoped permission flags a process cannot signal another, so a dead holder is seen by the lock's
  age: the 6 s stale bound, a heartbeat every 2 s.
- **Fuzz**: fast-check, seed 1, against \`main()\` in-process with real files: random service answers
  (status, error type, values, cut or spoilt JSON, with and without \`--debug\`), random and mutated
  config and credentials files (samples of \`tests/testdata/ini/\`), token and role cache files and
  command lines.

Reading the run times: 50 processes on 2 cores is 25 per core, and every run is a Deno start (about
0.3 s of CPU), so the median run waits about 6 s for CPU; the tail adds the waits for the config,
credentials, role and session locks that starved holders keep longer. With 10 processes (the CI
test) the p95 is about 3 s.`;

if (import.meta.main) {
  let o: Options | null;
  try {
    o = options(Deno.args);
  } catch (err) {
    console.error(`soak: ${(err as Error).message}\n\n${USAGE}`);
    Deno.exit(2);
  }
  if (o === null) {
    console.log(USAGE);
  } else {
    Deno.exitCode = await soak(o);
  }
}
