/**
 * Whole-process figures for `deno task bench`, side by side in one run, medians of several runs:
 * the runtime's floor, the credential_process hot path (cached credentials), the cold path (valid
 * token, no cached credentials, against the fake on loopback) and its budget (a process that
 * loads the SDK's SSO client and makes one call through it), 20 cold-path calls at once, the AWS
 * CLI's `export-credentials` as a reference, and discovery of 1,000 accounts × 3 roles under a
 * 20-calls-a-second limit with 30% throttling.
 *
 * Options: `--runs N` (default 40; the AWS CLI's reference line takes at most 15),
 * `--accounts N` (default 1000), `--skip-discovery`.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateDirectory, startFakeAws } from "../testing/mod.ts";
import { cliArgs, cliEnv, ROOT, writeSsoConfig } from "../tests/e2e/_cli.ts";
import { runFlags } from "../src/cli/permissions.ts";
import { issueSession } from "../tests/e2e/_session.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "40" },
    accounts: { type: "string", default: "1000" },
    "skip-discovery": { type: "boolean", default: false },
  },
});
const RUNS = Number(values.runs);
const ROLE = "arn:aws:iam::111111111111:role/ReadOnly";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Case {
  name: string;
  args: string[];
  env: Record<string, string>;
  before?: () => Promise<void>;
}
type Figures = { median: number; min: number; max: number; runs: number[] };

async function runOnce(c: Case): Promise<number> {
  await c.before?.();
  const t0 = performance.now();
  const out = await new Deno.Command(c.args[0]!, {
    args: c.args.slice(1),
    env: c.env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dt = performance.now() - t0;
  if (out.code !== 0) {
    throw new Error(`${c.args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return dt;
}

/**
 * Runs the cases in turns (one run of each per round, RUNS rounds after two warm-up rounds that
 * fill Deno's caches), so that a slower or faster spell of the machine touches them all alike.
 */
async function timeTogether(cases: Case[], runs = RUNS): Promise<Figures[]> {
  const ms: number[][] = cases.map(() => []);
  for (let i = 0; i < runs + 2; i++) {
    for (const [k, c] of cases.entries()) {
      const dt = await runOnce(c);
      if (i >= 2) ms[k]!.push(dt);
    }
  }
  return ms.map(figuresOf);
}

function figuresOf(runs: number[]): Figures {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs };
}

const rows: [string, Figures][] = [];
function row(name: string, r: Figures) {
  rows.push([name, r]);
  console.log(
    `${name.padEnd(58)} median ${r.median.toFixed(1).padStart(7)} ms  ` +
      `(min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)}, ${r.runs.length} runs)`,
  );
}

{
  await using aws = await startFakeAws();
  const home = await Deno.makeTempDir({ prefix: "aws-sso-bench-" });
  try {
    await writeSsoConfig(
      home,
      aws.startUrl,
      `\n[profile corp-readonly]\nsso_session = corp\nsso_account_id = 111111111111\n` +
        `sso_role_name = ReadOnly\n`,
    );
    const tokenFile = await issueSession(aws, home, "corp");
    const opts = { home, env: aws.env };
    const env = cliEnv(opts);
    const deno = Deno.execPath();
    const flags = runFlags((n) => env[n], Deno.build.os);
    const cliCache = join(home, ".aws", "cli", "cache");
    const clearCache = async () => {
      for await (const e of Deno.readDir(cliCache)) {
        if (e.name.endsWith(".json")) await Deno.remove(join(cliCache, e.name));
      }
    };
    const token = JSON.parse(await Deno.readTextFile(tokenFile)).accessToken as string;
    const ext = [deno, ...cliArgs(["-p", "corp", "-r", ROLE, "-ext"], opts)];
    // Fill the role-credential cache once.
    await runOnce({ name: "fill", args: ext, env });
    const [floor, hot, sdk, cold] = await timeTogether([
      { name: "floor", args: [deno, "run", ...flags, join(ROOT, "bench/fixtures/empty.ts")], env },
      { name: "hot", args: ext, env },
      {
        name: "sdk",
        args: [deno, "run", ...flags, join(ROOT, "bench/fixtures/load_sdk.ts")],
        env: { ...env, AWS_SSO_BENCH_ACCESS_TOKEN: token },
      },
      // Last in each round: it empties the cache and fills it again for the next round's hot run.
      { name: "cold", args: ext, env, before: clearCache },
    ]) as [Figures, Figures, Figures, Figures];
    row("floor: deno run empty.ts (same flags)", floor);
    row("hot path: -ext, cached credentials", hot);
    row("budget: deno run, load the SDK's SSO client, one call through it", sdk);
    row("cold path: -ext, valid token, no cached credentials", cold);
    let awsCli: string | undefined;
    try {
      await Deno.stat("/usr/bin/aws");
      awsCli = "/usr/bin/aws";
    } catch { /* not installed */ }
    if (awsCli) {
      // Served from ~/.aws/cli/cache, the file aws-sso wrote: the same shared cache, no network.
      const [ref] = await timeTogether([{
        name: "aws",
        args: [awsCli, "configure", "export-credentials", "--profile", "corp-readonly"],
        env: { ...env, AWS_EC2_METADATA_DISABLED: "true" },
      }], Math.min(RUNS, 15)) as [Figures];
      row("reference: aws configure export-credentials (CLI 2.9.19)", ref);
    }

    // Many at once, as SDKs start them (a Terraform run, a parallel test suite): one of them asks
    // the portal, the others wait for its lock and then read what it cached.
    const PARALLEL = 20;
    const burst: number[] = [];
    const portalCalls: number[] = [];
    for (let i = 0; i < 7; i++) {
      await clearCache();
      const before = aws.counters.getRoleCredentials;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: PARALLEL }, () => runOnce({ name: "burst", args: ext, env })),
      );
      if (i >= 2) {
        burst.push(performance.now() - t0);
        portalCalls.push(aws.counters.getRoleCredentials - before);
      }
    }
    row(`${PARALLEL} at once, valid token, no cached credentials: all done`, figuresOf(burst));
    console.log(`${"".padEnd(58)} portal calls per run: ${portalCalls.join(", ")}`);
    console.log();
    const ratio = hot.median / floor.median;
    // The same, round by round (each hot run against the floor run just before it): less
    // sensitive to the machine's slower and faster spells.
    const paired = median(hot.runs.map((h, i) => h / floor.runs[i]!));
    console.log(
      `hot/floor = ${ratio.toFixed(2)}× (budget ≤ 1.5×): ${ratio <= 1.5 ? "within" : "OVER"}; ` +
        `round by round ${paired.toFixed(2)}×`,
    );
    const coldPaired = median(cold.runs.map((c, i) => c / sdk.runs[i]!));
    console.log(
      `cold = ${cold.median.toFixed(1)} ms; budget (floor + SDK load + one round trip, as one ` +
        `process) = ${sdk.median.toFixed(1)} ms: ${
          cold.median <= sdk.median ? "within" : "OVER"
        }; ` +
        `round by round ${coldPaired.toFixed(3)}× the budget`,
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

if (!values["skip-discovery"]) {
  const accounts = Number(values.accounts);
  await using aws = await startFakeAws({
    directory: generateDirectory(accounts, 3),
    rateLimit: { listAccountRoles: 20 },
    throttleRatio: 0.3,
  });
  const home = await Deno.makeTempDir({ prefix: "aws-sso-bench-" });
  try {
    await writeSsoConfig(home, aws.startUrl);
    await issueSession(aws, home, "corp");
    const opts = { home, env: aws.env };
    const env = cliEnv(opts);
    const run = async () => {
      const t0 = performance.now();
      const out = await new Deno.Command(Deno.execPath(), {
        args: cliArgs(["-p", "corp", "-d"], opts),
        env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
      return (performance.now() - t0) / 1000;
    };
    const first = await run();
    const config = await Deno.readTextFile(join(home, ".aws", "config"));
    const profiles = (config.match(/^\[profile \d{12}-/gm) ?? []).length;
    const c = aws.counters;
    const floorS = accounts / 20;
    console.log(
      `\ndiscovery: ${accounts} accounts × 3 roles → ${profiles} profiles in ${
        first.toFixed(1)
      } s; ` +
        `floor ${floorS.toFixed(1)} s (ListAccountRoles at 20/s) → ${
          (first / floorS).toFixed(2)
        }× ` +
        `(budget ≤ 1.5×); ${c.listAccountRoles} ListAccountRoles calls, ${c.throttled} throttled`,
    );
    await run();
    const again = await Deno.readTextFile(join(home, ".aws", "config"));
    console.log(`second run: config file ${again === config ? "byte-identical" : "CHANGED"}`);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}
