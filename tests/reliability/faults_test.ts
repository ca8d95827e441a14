/**
 * Faults from AWS: 5xx, throttling, hung and slow answers, reset connections, truncated and
 * malformed JSON on GetRoleCredentials, ListAccounts, ListAccountRoles and CreateToken. What is
 * safe to retry is retried within a bounded time and succeeds when the fault passes; a fault that
 * persists ends in exit 1 with one `aws-sso: …` line (and a hint) within a bounded time; and no
 * file is ever left half written.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ListAccountsCommand, SSOClient } from "@aws-sdk/client-sso";
import { awsRequestHandler } from "../../src/aws_http.ts";
import { loadSsoProfile } from "../../src/config/load_sso_profile.ts";
import { SsoError } from "../../src/errors.ts";
import { cachedRoleCredentials } from "../../src/portal/cached_role_credentials.ts";
import { discover } from "../../src/portal/discover.ts";
import { getSsoToken } from "../../src/token/get_sso_token.ts";
import { readToken } from "../../src/token/token_store.ts";
import { type FakeAws, type FaultRule, startFakeAws } from "../../testing/mod.ts";
import { type TestRuntime, testRuntime, withTmpDir } from "../helpers.ts";
import {
  cleanFailureProblem,
  type CliRun,
  compareHomes,
  FAKE_BROWSER,
  lostHandWritten,
  pool,
  ROLE_ARN,
  runCliTimed,
  secretsIn,
  type SeededHome,
  seedHome,
  seedToken,
  snapshot,
} from "./_harness.ts";

/** A runtime over real files whose `sleep` only moves its clock: retries cost no wall time. */
function simulatedRuntime(home: string, aws: FakeAws): TestRuntime {
  const rt = testRuntime({ home, env: { ...aws.env } });
  rt.sleep = (ms) => {
    rt.advance(ms);
    return Promise.resolve();
  };
  return rt;
}

/**
 * The kinds of fault that a retry can cure, and those it cannot. A SlowDownException is a
 * throttle (SSO-OIDC's), wherever it comes from.
 */
const RETRYABLE = [
  "internal",
  "unavailable",
  "throttle",
  "slow_down",
  "reset",
  "truncate",
  "malformed",
] as const;
const FINAL = ["error"] as const;

/** What an error is if it is a clean one: an SsoError with a one-line message and hint. */
function cleanErrorProblem(err: unknown): string | null {
  if (!(err instanceof SsoError)) return `not an SsoError: ${err}`;
  if (err.message.includes("\n")) return `message of more than one line: ${err.message}`;
  if (err.hint?.includes("\n")) return `hint of more than one line: ${err.hint}`;
  return null;
}

Deno.test("portal calls retry every transient fault, and end persistent ones within the retry budget", async (t) => {
  await using aws = await startFakeAws();
  const role = { accountId: "111111111111", roleName: "ReadOnly" };
  type Op = "getRoleCredentials" | "listAccounts" | "listAccountRoles";
  const calls: Record<Op, { budgetMs: number; run: (rt: TestRuntime) => Promise<unknown> }> = {
    getRoleCredentials: {
      budgetMs: 30_000,
      run: async (rt) =>
        await cachedRoleCredentials(rt, await loadSsoProfile(rt, "corp"), role, {
          login: "never",
        }),
    },
    listAccounts: {
      budgetMs: 60_000,
      run: async (rt) => await discover(rt, await loadSsoProfile(rt, "corp"), { login: "never" }),
    },
    listAccountRoles: {
      budgetMs: 60_000,
      run: async (rt) => await discover(rt, await loadSsoProfile(rt, "corp"), { login: "never" }),
    },
  };
  const failures: string[] = [];
  for (const op of Object.keys(calls) as Op[]) {
    for (const kind of [...RETRYABLE, ...FINAL]) {
      for (const persistent of [false, true]) {
        await using tmp = await withTmpDir();
        const seeded = await seedHome(tmp.path, aws, { session: true });
        const rt = simulatedRuntime(tmp.path, aws);
        aws.setFaults([{ op, kind, ...(persistent ? { ratio: 1 } : { count: 2 }) }]);
        const before = await snapshot(tmp.path);
        const start = rt.now();
        const name = `${op} ${kind} ${persistent ? "persistent" : "twice"}`;
        let outcome: unknown;
        try {
          outcome = await calls[op].run(rt);
        } catch (err) {
          outcome = err;
        }
        const elapsed = rt.now() - start;
        const cured = !persistent && (RETRYABLE as readonly string[]).includes(kind);
        if (cured && outcome instanceof Error) {
          failures.push(`${name}: not retried: ${outcome.message}`);
        } else if (!cured) {
          const problem = outcome instanceof Error
            ? cleanErrorProblem(outcome)
            : "succeeded against a fault that never passes";
          if (problem) failures.push(`${name}: ${problem}`);
          // The service answered (HTTP 5xx): no advice to check the network or proxy.
          if (
            (kind === "internal" || kind === "unavailable") && outcome instanceof SsoError &&
            !/the AWS SSO service answered with an error/.test(outcome.hint ?? "")
          ) {
            failures.push(`${name}: hint "${outcome.hint}"`);
          }
        }
        if (elapsed > calls[op].budgetMs + 5_000) {
          failures.push(`${name}: took ${elapsed} ms (simulated), budget ${calls[op].budgetMs}`);
        }
        const torn = compareHomes(before, await snapshot(tmp.path));
        torn.push(...await lostHandWritten(seeded));
        if (torn.length) failures.push(`${name}: files: ${torn.join("; ")}`);
      }
    }
  }
  aws.setFaults([]);
  await t.step(`${Object.keys(calls).length * 8 * 2} cases`, () => {
    assert.deepEqual(failures, []);
  });
});

Deno.test("a failed refresh (CreateToken fault of any kind) keeps a still-valid token and never tears its file", async () => {
  await using aws = await startFakeAws();
  const failures: string[] = [];
  for (const kind of [...RETRYABLE, ...FINAL] as const) {
    await using tmp = await withTmpDir();
    const seeded = await seedHome(tmp.path, aws);
    await seedToken(tmp.path, aws, 10 * 60_000); // inside the 15-minute refresh window
    const rt = simulatedRuntime(tmp.path, aws);
    const profile = await loadSsoProfile(rt, "corp");
    const old = await readToken(rt, profile);
    aws.setFaults([{ op: "createToken", kind, ratio: 1 }]);
    const before = await snapshot(tmp.path);
    const tokenBefore = await Deno.readTextFile(seeded.tokenPath);
    try {
      const token = await getSsoToken(rt, profile, { login: "never" });
      if (token.accessToken !== old?.accessToken) failures.push(`${kind}: token replaced`);
    } catch (err) {
      failures.push(`${kind}: ${err}`);
    }
    const files = compareHomes(before, await snapshot(tmp.path));
    if (await Deno.readTextFile(seeded.tokenPath) !== tokenBefore) {
      files.push("token file changed after a failed refresh");
    }
    if (files.length) failures.push(`${kind}: ${files.join("; ")}`);
  }
  aws.setFaults([]);
  assert.deepEqual(failures, []);
});

Deno.test("the AWS clients abort a request at its time limit: a hung server holds no one", async (t) => {
  // A raw TCP server that never answers, or sends the headers and part of the body and stalls.
  // It notes when the client closes the connection: then nothing is left in flight.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedByClient: string[] = [];
  const open = new Set<Deno.Conn>();
  const serving = (async () => {
    for await (const conn of listener) {
      open.add(conn);
      (async () => {
        const buf = new Uint8Array(65536);
        const n = await conn.read(buf).catch(() => null);
        const head = new TextDecoder().decode(buf.subarray(0, n ?? 0));
        const stall = head.includes("next_token=stall");
        if (stall) {
          const body = '{"accountList": [';
          await conn.write(new TextEncoder().encode(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n" +
              body,
          ));
        }
        // Wait for the client to hang up.
        while (await conn.read(buf).catch(() => null) !== null) { /* ignore */ }
        closedByClient.push(stall ? "stall" : "silent");
        if (open.delete(conn)) conn.close();
      })();
    }
  })();
  const client = new SSOClient({
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${listener.addr.port}`,
    maxAttempts: 1,
    requestHandler: awsRequestHandler({ requestTimeoutMs: 300 }),
  });
  /**
   * Sends ListAccounts; resolves to how it ended and when, or "hung" after 10 s (the limit is
   * 300 ms: only a loaded machine's pauses separate the two).
   */
  const call = async (stall: boolean) => {
    const start = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const send = client.send(
      new ListAccountsCommand({
        accessToken: "not-a-secret",
        ...(stall ? { maxResults: 1, nextToken: "stall" } : {}),
      }),
    ).then(() => "answered", (err: Error) => err.name);
    const hung = new Promise<string>((r) => timer = setTimeout(() => r("hung"), 10_000));
    // Garbage meanwhile, as a real run makes: collections must not cut the limit's hold on the
    // request (they did: Deno drops a fetch's abort link with its collected Request).
    let settled = false;
    const churn = (async () => {
      while (!settled) {
        let junk: unknown[] = [];
        for (let i = 0; i < 20_000; i++) junk.push({ i, s: "x".repeat(20) });
        junk = [];
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const outcome = await Promise.race([send, hung]);
    settled = true;
    await churn;
    clearTimeout(timer);
    return { outcome, ms: performance.now() - start };
  };
  const closed = async (what: string) => {
    for (let i = 0; i < 40 && !closedByClient.includes(what); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    return closedByClient.includes(what);
  };
  try {
    await t.step(
      "no answer at all: rejected at the limit, and the connection is dropped",
      async () => {
        const { outcome, ms } = await call(false);
        assert.equal(outcome, "TimeoutError");
        assert.ok(ms < 5_000, `${ms} ms`);
        assert.ok(await closed("silent"), "the request is still in flight after its time limit");
      },
    );
    await t.step("headers, then a stalled body: rejected at the limit, not hung", async () => {
      const { outcome, ms } = await call(true);
      assert.notEqual(outcome, "hung", "hung on a stalled body");
      assert.notEqual(outcome, "answered");
      assert.ok(ms < 5_000, `${outcome} after ${ms} ms`);
      assert.ok(await closed("stall"), "the request is still in flight after its time limit");
    });
  } finally {
    for (const conn of [...open]) {
      open.delete(conn);
      conn.close();
    }
    listener.close();
    await serving.catch(() => {});
  }
});

// --- the CLI against a faulty fake ----------------------------------------------------------

/** One CLI run against a fake with faults. */
interface Scenario {
  name: string;
  faults: FaultRule[];
  args: string[];
  /** Whether it must succeed (`ok`) or fail cleanly (`fail`). */
  expect: "ok" | "fail";
  /** The longest it may take, ms. */
  maxMs: number;
  /** The error line must match this. */
  message?: RegExp;
  /** Set the scene after seeding (expire tokens, near-expiry token, …). */
  setup?: (aws: FakeAws, seeded: SeededHome) => Promise<void>;
  /** Extra environment (BROWSER). */
  env?: Record<string, string>;
  /** More checks on the outcome. */
  check?: (run: CliRun, seeded: SeededHome) => Promise<string[]>;
}

const EXT = ["-r", ROLE_ARN, "-ext"];

/** A `-ext` run printed process credentials. */
function processJson(run: CliRun): string[] {
  try {
    const out = JSON.parse(run.stdout);
    return out.Version === 1 && typeof out.SecretAccessKey === "string" ? [] : ["bad JSON"];
  } catch {
    return [`stdout is not process JSON: ${run.stdout}`];
  }
}

/** The token file is byte for byte what it was before the run. */
function tokenUnchanged(before: string): (run: CliRun, seeded: SeededHome) => Promise<string[]> {
  return async (_run, seeded) =>
    (await Deno.readTextFile(seeded.tokenPath)) === before ? [] : ["token file changed"];
}

/** Expires every access token on the server only: the cached token still looks valid. */
function expireOnServer(aws: FakeAws): Promise<void> {
  aws.expireAccessTokens();
  return Promise.resolve();
}

const SCENARIOS: Scenario[] = [
  // Transient: retried, and the command succeeds.
  ...(["internal", "unavailable", "throttle", "reset", "truncate", "malformed"] as const).map(
    (kind, i): Scenario => ({
      name: `GetRoleCredentials ${kind} twice`,
      faults: [{ op: "getRoleCredentials", kind, count: 2 }],
      args: [[...EXT], ["-r", ROLE_ARN, "-env"], ["-r", ROLE_ARN]][i % 3]!,
      expect: "ok",
      maxMs: 10_000,
    }),
  ),
  {
    name: "GetRoleCredentials hangs once (40 s): timed out, retried, and the process exits",
    faults: [{ op: "getRoleCredentials", kind: "delay", delayMs: 40_000, count: 1 }],
    args: EXT,
    expect: "ok",
    maxMs: 25_000,
    check: (run) => Promise.resolve(processJson(run)),
  },
  {
    name: "ListAccountRoles: 5xx, reset, truncated, throttled and malformed answers during -d",
    faults: [
      { op: "listAccountRoles", kind: "internal", count: 1 },
      { op: "listAccountRoles", kind: "reset", count: 1 },
      { op: "listAccountRoles", kind: "truncate", count: 1 },
      { op: "listAccountRoles", kind: "throttle", count: 2 },
      { op: "listAccountRoles", kind: "malformed", count: 1 },
    ],
    args: ["-d"],
    expect: "ok",
    maxMs: 15_000,
    check: async (_run, seeded) => {
      const text = await Deno.readTextFile(seeded.configPath);
      const n = text.match(/aws_sso_discovered_from = corp/g)?.length ?? 0;
      return n === 5 ? [] : [`${n} discovered profiles, expected 5`];
    },
  },
  {
    name: "ListAccounts truncated then unavailable during --list",
    faults: [
      { op: "listAccounts", kind: "truncate", count: 1 },
      { op: "listAccounts", kind: "unavailable", count: 1 },
    ],
    args: ["--list"],
    expect: "ok",
    maxMs: 10_000,
    check: (run) =>
      Promise.resolve(run.stdout.trim().split("\n").length === 6 ? [] : ["not 6 roles listed"]),
  },
  {
    name: "refresh refused once (500) after a 401: signs in again instead",
    faults: [{ op: "createToken", kind: "internal", count: 1 }],
    args: EXT,
    setup: expireOnServer,
    env: { BROWSER: FAKE_BROWSER },
    expect: "ok",
    maxMs: 15_000,
  },
  {
    name: "refresh answered with a reset connection: keeps the still-valid token",
    faults: [{ op: "createToken", kind: "reset", count: 1 }],
    args: EXT,
    setup: (aws, seeded) => seedToken(seeded.home, aws, 10 * 60_000),
    expect: "ok",
    maxMs: 10_000,
  },
  {
    name: "refresh hangs (40 s): keeps the still-valid token, and the process exits",
    faults: [{ op: "createToken", kind: "delay", delayMs: 40_000, count: 1 }],
    args: EXT,
    setup: (aws, seeded) => seedToken(seeded.home, aws, 10 * 60_000),
    expect: "ok",
    maxMs: 25_000,
  },
  // Persistent: one clear line, within the budget, nothing written.
  {
    name: "GetRoleCredentials 500 for ever",
    faults: [{ op: "getRoleCredentials", kind: "internal", ratio: 1 }],
    args: EXT,
    expect: "fail",
    maxMs: 40_000,
    message: /^aws-sso: Get credentials for role ReadOnly in account 111111111111: /,
  },
  {
    name: "GetRoleCredentials throttled for ever",
    faults: [{ op: "getRoleCredentials", kind: "throttle", ratio: 1 }],
    args: ["-r", ROLE_ARN, "-env"],
    expect: "fail",
    maxMs: 40_000,
    message: /kept throttling/,
  },
  {
    name: "GetRoleCredentials hangs for ever",
    faults: [{ op: "getRoleCredentials", kind: "delay", delayMs: 120_000, ratio: 1 }],
    args: EXT,
    expect: "fail",
    maxMs: 50_000,
    message: /Get credentials for role ReadOnly/,
  },
  {
    name: "GetRoleCredentials truncated for ever, in the default mode",
    faults: [{ op: "getRoleCredentials", kind: "truncate", ratio: 1 }],
    args: ["-r", ROLE_ARN],
    expect: "fail",
    maxMs: 40_000,
    message: /Get credentials for role ReadOnly/,
  },
  {
    name: "ListAccountRoles refused (400) during -d",
    faults: [{ op: "listAccountRoles", kind: "error", ratio: 1 }],
    args: ["-d"],
    expect: "fail",
    maxMs: 10_000,
    message: /List roles of account/,
  },
  {
    // The refresh token may be good: a sign-in would not get past the failing service either.
    name: "refresh fails (500 for ever) after a 401: one line, no sign-in",
    faults: [{ op: "createToken", kind: "internal", ratio: 1 }],
    args: EXT,
    setup: expireOnServer,
    env: { BROWSER: FAKE_BROWSER },
    expect: "fail",
    maxMs: 15_000,
    message: /^aws-sso: Cannot refresh the SSO session .*InternalServerException[^]*try again/,
  },
  {
    name: "refresh answers unreadable after a 401: one line naming the network",
    faults: [{ op: "createToken", kind: "malformed", ratio: 1 }],
    args: EXT,
    setup: expireOnServer,
    expect: "fail",
    maxMs: 15_000,
    message: /^aws-sso: Cannot refresh the SSO session .*could not be read[^]*proxy/,
  },
  {
    name: "401 again after signing in again",
    faults: [{
      op: "getRoleCredentials",
      kind: "error",
      status: 401,
      errorType: "UnauthorizedException",
      ratio: 1,
    }],
    args: EXT,
    env: { BROWSER: FAKE_BROWSER },
    expect: "fail",
    maxMs: 15_000,
    message: /the SSO session was refused/,
  },
];

Deno.test("aws-sso under faults: retries what passes, fails cleanly on what persists, tears nothing", async () => {
  const failures: string[] = [];
  const timings: string[] = [];
  await pool(SCENARIOS, SCENARIOS.length, async (s) => {
    await using aws = await startFakeAws({ faults: s.faults });
    await using tmp = await withTmpDir();
    const seeded = await seedHome(tmp.path, aws, { session: true });
    await s.setup?.(aws, seeded);
    const before = await snapshot(tmp.path);
    const tokenBefore = await Deno.readTextFile(seeded.tokenPath);
    const run = await runCliTimed(["-p", "corp", ...s.args], {
      home: tmp.path,
      env: { ...aws.env, ...s.env },
      timeoutMs: s.maxMs + 15_000,
    });
    timings.push(`${Math.round(run.ms)} ms  ${s.name}`);
    const problems: string[] = [];
    if (run.ms > s.maxMs) problems.push(`took ${Math.round(run.ms)} ms, bound ${s.maxMs} ms`);
    if (s.expect === "ok") {
      if (run.code !== 0) problems.push(`exit ${run.code}: ${run.stderr}`);
      if (s.args.includes("-ext")) problems.push(...processJson(run));
    } else {
      const problem = cleanFailureProblem(run);
      if (problem) problems.push(problem);
      else if (s.message && !s.message.test(run.stderr)) {
        problems.push(`message: ${run.stderr}`);
      }
      if (!s.setup && !s.env?.BROWSER) {
        problems.push(...await tokenUnchanged(tokenBefore)(run, seeded));
      }
    }
    problems.push(...compareHomes(before, await snapshot(tmp.path)));
    problems.push(...await lostHandWritten(seeded));
    problems.push(...secretsIn(run.stderr, aws.issued).map((k) => `secret on stderr: ${k}`));
    if (s.check) problems.push(...await s.check(run, seeded));
    const leftovers = [...(await snapshot(join(tmp.path, ".aws"))).keys()].filter((f) =>
      /\.(tmp|lock|claim)$/.test(f)
    );
    if (leftovers.length) problems.push(`left behind: ${leftovers.join(", ")}`);
    if (problems.length) failures.push(`${s.name}:\n  ${problems.join("\n  ")}`);
  });
  console.log(timings.sort().join("\n"));
  assert.deepEqual(failures, []);
});
