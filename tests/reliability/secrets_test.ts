/**
 * Secrets: in every mode (`-ext`, `-env`, default, `-d`, `--list`, `--login`, `--logout`), with
 * `--debug`, and on every error path we can trigger, no secret the fake issued (role keys and
 * session tokens, access and refresh tokens, client secrets, PKCE verifiers, device and
 * authorization codes) reaches stderr, stdout (outside `-ext` and `-env`), a command line we
 * spawn, or a file other than the token cache, the role cache and the credentials file. Those
 * are 0600 in 0700 folders, and the sign-in redirect server listens on 127.0.0.1 only and answers
 * only the expected `state`.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../../src/cli/main.ts";
import { runFlags } from "../../src/cli/permissions.ts";
import { startFakeAws } from "../../testing/mod.ts";
import { cliEnv } from "../e2e/_cli.ts";
import { withTmpDir } from "../helpers.ts";
import { freshHome, fuzzRuntime, secretFragments } from "./_fuzz.ts";
import {
  type CliRun,
  FAKE_BROWSER,
  leakedIntoFiles,
  looseModes,
  ROLE_ARN,
  runCliTimed,
  secretsIn,
  seedHome,
} from "./_harness.ts";

/** Modes whose stdout carries role credentials on purpose. */
const PRINTS_CREDENTIALS = ["-ext", "-env"];

Deno.test("aws-sso: no secret on stderr, stdout or in other files, in every mode and error path", async (t) => {
  // Role credentials too short-lived to be reused: every run asks the portal.
  await using aws = await startFakeAws({
    deviceApproveAfterPolls: null,
    roleCredentialsTtlSeconds: 600,
  });
  await using tmp = await withTmpDir();
  await seedHome(tmp.path, aws); // no session yet: the first run signs in
  const env = { ...aws.env, BROWSER: FAKE_BROWSER };
  const runs: CliRun[] = [];
  const cli = async (args: string[], options: { flags?: string[] } = {}) => {
    const run = await runCliTimed(args, {
      home: tmp.path,
      env,
      timeoutMs: 30_000,
      ...(options.flags ? { flags: options.flags } : {}),
    });
    runs.push(run);
    return run;
  };
  const role = ["-r", ROLE_ARN];
  const expectations: [string[], number][] = [
    [["-p", "corp", "--login", "--debug"], 0],
    [["-p", "corp", "--login", "--use-device-code", "--debug"], 0],
    [["-p", "corp", ...role, "-ext", "--debug"], 0],
    [["-p", "corp", ...role, "-env", "--debug"], 0],
    [["-p", "corp", ...role, "--debug"], 0],
    [["-p", "corp", ...role, "--write-profile", "sec", "--debug"], 0],
    [["-p", "corp", "-d", "--debug"], 0],
    [["-p", "corp", "--list", "--debug"], 0],
    [["-p", "corp", "--list", "--json"], 0],
    [["-p", "legacy", "-r", ROLE_ARN, "-ext", "--debug"], 0],
    // Error paths.
    [["-p", "corp", "-r", "arn:aws:iam::111111111111:role/NotGranted", "-ext", "--debug"], 1],
    [["-p", "corp", "-x", "--debug"], 2],
    [["-p", "corp", ...role, "-env", "--format", "nope"], 2],
  ];
  // With --use-device-code the fake browser opens the pre-filled URL, which approves the code.
  for (const [args, code] of expectations) {
    const run = await cli(args);
    assert.equal(run.code, code, `${args.join(" ")}: ${run.stderr}`);
  }
  await t.step("401 again after signing in again", async () => {
    aws.setFaults([{
      op: "getRoleCredentials",
      kind: "error",
      status: 401,
      errorType: "UnauthorizedException",
      ratio: 1,
    }]);
    assert.equal((await cli(["-p", "corp", ...role, "-ext", "--debug"])).code, 1);
    aws.setFaults([]);
  });
  await t.step("refresh refused, and no sign-in allowed", async () => {
    aws.revokeRefreshTokens();
    aws.expireAccessTokens();
    const run = await cli(["-p", "corp", ...role, "-ext", "--no-login", "--debug"]);
    assert.equal(run.code, 1, run.stderr);
  });
  await t.step("a malformed answer to the sign-in", async () => {
    aws.setFaults([{ op: "createToken", kind: "malformed", ratio: 1 }]);
    assert.equal((await cli(["-p", "corp", "--login", "--debug"])).code, 1);
    aws.setFaults([]);
    assert.equal((await cli(["-p", "corp", "--login"])).code, 0);
  });
  await t.step("permission denied: the credentials file outside the write permission", async () => {
    const flags = runFlags((n) => cliEnv({ home: tmp.path, env })[n], Deno.build.os)
      .map((
        f,
      ) => (f.startsWith("--allow-write=") ? `--allow-write=${join(tmp.path, "nowhere")}` : f));
    const run = await cli(["-p", "corp", ...role, "--debug"], { flags });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^aws-sso: Permission denied/m);
  });
  // --logout removes the token and the role cache: judge the files before it too.
  const issuedBefore = aws.issued;
  const leakedBeforeLogout = await leakedIntoFiles(tmp.path, issuedBefore);
  const looseBeforeLogout = await looseModes(tmp.path);
  await t.step("--logout", async () => {
    assert.equal((await cli(["-p", "corp", "--logout", "--debug"])).code, 0);
  });

  const issued = aws.issued;
  await t.step("the fake issued every kind of secret", () => {
    for (const kind of Object.keys(issued) as (keyof typeof issued)[]) {
      assert.ok(issued[kind].length > 0, `no ${kind} issued: the test would prove nothing`);
    }
  });
  await t.step("no secret on stderr, nor on stdout outside -ext and -env", () => {
    const leaks = runs.flatMap((run) => {
      const onStdout = PRINTS_CREDENTIALS.some((m) => run.args.includes(m)) && run.code === 0
        ? secretsIn(run.stdout, issued, ["secretAccessKeys", "sessionTokens"])
        : secretsIn(run.stdout, issued);
      return [
        ...secretsIn(run.stderr, issued).map((k) => `${run.args.join(" ")}: stderr: ${k}`),
        ...onStdout.map((k) => `${run.args.join(" ")}: stdout: ${k}`),
      ];
    });
    assert.deepEqual(leaks, []);
  });
  await t.step(
    "no secret in any file but the token cache, role cache and credentials",
    async () => {
      assert.deepEqual(leakedBeforeLogout, []);
      assert.deepEqual(await leakedIntoFiles(tmp.path, issued), []);
      const config = await Deno.readTextFile(join(tmp.path, ".aws", "config"));
      assert.match(config, /credential_process = /, "discovery wrote credential_process lines");
    },
  );
  await t.step("files holding secrets are 0600, their folders 0700", async () => {
    assert.deepEqual(looseBeforeLogout, []);
    assert.deepEqual(await looseModes(tmp.path), []);
  });
});

Deno.test("aws-sso: throttling, 5xx and a malformed answer around a secret, with --debug: no secret", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  const problems: string[] = [];
  for (
    const fault of [
      { op: "getRoleCredentials", kind: "throttle", ratio: 1 },
      { op: "getRoleCredentials", kind: "internal", ratio: 1 },
      { op: "listAccounts", kind: "unavailable", ratio: 1 },
    ] as const
  ) {
    await freshHome(tmp.path, aws);
    aws.setFaults([fault]);
    for (const args of [["-r", ROLE_ARN, "-ext"], ["--list"]]) {
      const rt = fuzzRuntime(tmp.path, { ...aws.env });
      const code = await main(["-p", "corp", ...args, "--debug"], rt);
      if (code === 0 && fault.op !== "listAccounts" && args[0] === "--list") continue;
      const found = secretsIn(rt.err(), aws.issued);
      if (found.length) problems.push(`${fault.kind} ${args.join(" ")}: ${found.join(", ")}`);
    }
  }
  aws.setFaults([]);
  // An answer whose JSON breaks right after a secret: the parser's message quotes what precedes
  // the break, so no error line (not even a --debug stack) may carry it.
  const SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY1";
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    return new Response(
      `{"roleCredentials":{"accessKeyId":"ASIA","secretAccessKey":${SECRET}}}`,
      { headers: { "content-type": "application/json" } },
    );
  });
  try {
    await freshHome(tmp.path, aws);
    const url = `http://127.0.0.1:${server.addr.port}`;
    const rt = fuzzRuntime(tmp.path, { AWS_ENDPOINT_URL_SSO: url, AWS_ENDPOINT_URL_SSO_OIDC: url });
    const code = await main(["-p", "corp", "-r", ROLE_ARN, "-ext", "--debug"], rt);
    assert.equal(code, 1);
    const fragments = secretFragments(rt.err(), [SECRET]);
    if (fragments.length) problems.push(`--debug quotes the answer: ${fragments.join(", ")}`);
  } finally {
    await server.shutdown();
  }
  assert.deepEqual(problems, []);
});

Deno.test("sign-in: the redirect server is on 127.0.0.1 only and answers only its state; no command line carries a secret", async (t) => {
  // Its runtime does not wait between polls.
  await using aws = await startFakeAws({
    deviceApproveAfterPolls: null,
    enforcePollInterval: false,
  });
  await using tmp = await withTmpDir();
  await seedHome(tmp.path, aws);
  const argv: string[][] = [];
  const probes: Record<string, number | string> = {};
  /** The "browser": probes the redirect server, then approves like a user. */
  const browse = async (url: string): Promise<number> => {
    const authorize = new URL(url);
    if (authorize.pathname === "/authorize") {
      const redirect = new URL(authorize.searchParams.get("redirect_uri")!);
      const state = authorize.searchParams.get("state")!;
      const port = redirect.port;
      const get = async (u: string) => {
        const r = await fetch(u);
        await r.body?.cancel();
        return r.status;
      };
      probes.wrongState = await get(`http://127.0.0.1:${port}/oauth/callback?state=x&code=y`);
      probes.noState = await get(`http://127.0.0.1:${port}/oauth/callback?code=y`);
      probes.otherPath = await get(`http://127.0.0.1:${port}/?state=${state}&code=y`);
      for (const [name, host] of externalAddresses()) {
        try {
          const conn = await Deno.connect({ hostname: host, port: Number(port) });
          conn.close();
          probes[name] = "connected";
        } catch {
          probes[name] = "refused";
        }
      }
      // Approve: the fake's /authorize redirects back with a code.
      const answer = await fetch(url, { redirect: "manual" });
      await answer.body?.cancel();
      const back = await fetch(answer.headers.get("location")!);
      await back.body?.cancel();
      return back.status === 200 ? 0 : 1;
    }
    // The device flow's pre-filled URL: opening it approves.
    const r = await fetch(url);
    await r.body?.cancel();
    return 0;
  };
  const rt = fuzzRuntime(tmp.path, { ...aws.env, BROWSER: "my-browser" });
  rt.spawn = async (command, args) => {
    argv.push([command, ...args]);
    if (command === "my-browser") return await browse(args.at(-1)!);
    if (command === "aws") {
      // `aws sso login` signs in and leaves the token where the AWS CLI does.
      const { seedToken } = await import("./_harness.ts");
      await seedToken(tmp.path, aws);
      return 0;
    }
    return 1;
  };
  assert.equal(await main(["-p", "corp", "--login"], rt), 0, rt.err());
  assert.equal(await main(["-p", "corp", "--login", "--use-device-code"], rt), 0, rt.err());
  assert.equal(
    await main(["-p", "corp", "--login", "--login-with", "aws", "-r", ROLE_ARN, "-ext"], rt),
    0,
    rt.err(),
  );

  await t.step("the redirect server answers 404 to anything but its path and state", () => {
    assert.equal(probes.wrongState, 404);
    assert.equal(probes.noState, 404);
    assert.equal(probes.otherPath, 404);
  });
  await t.step("it cannot be reached but on 127.0.0.1", () => {
    const external = Object.entries(probes).filter(([k]) => k.startsWith("addr "));
    assert.ok(external.length > 0, "no other address to try");
    for (const [name, result] of external) assert.equal(result, "refused", name);
  });
  await t.step("the browser, the device URL and `aws sso login` get no secret", () => {
    assert.ok(argv.some((a) => a[0] === "my-browser"), "the browser was opened");
    assert.deepEqual(argv.find((a) => a[0] === "aws"), [
      "aws",
      "sso",
      "login",
      "--profile",
      "corp",
    ]);
    const issued = aws.issued;
    assert.ok(issued.codeVerifiers.length > 0 && issued.deviceCodes.length > 0);
    assert.deepEqual(argv.flatMap((a) => secretsIn(a.join(" "), issued)), []);
  });
  await t.step("stderr holds no secret", () => {
    assert.deepEqual(secretsIn(rt.err(), aws.issued), []);
  });
});

/** Addresses of this machine other than 127.0.0.1 (to show nothing listens there). */
function externalAddresses(): [string, string][] {
  const out: [string, string][] = [["addr ::1", "::1"]];
  for (const nic of Deno.networkInterfaces()) {
    if (nic.family === "IPv4" && nic.address !== "127.0.0.1") {
      out.push([`addr ${nic.address}`, nic.address]);
    }
  }
  return out;
}
