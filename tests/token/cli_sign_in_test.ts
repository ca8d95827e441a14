/**
 * The sign-in layer through the CLI, as a user runs it: `deno run` with the documented permission
 * flags, a temp HOME and a clean environment, against the fake AWS in this process.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CLI, FAKE_BROWSER, runCli, writeSsoConfig } from "../e2e/_cli.ts";
import { findIssuedSecrets } from "../../testing/mod.ts";
import {
  corpProfile,
  legacyProfile,
  plantToken,
  sha1,
  type TokenEnv,
  tokenEnv,
  zulu,
} from "./_fixtures.ts";

const ROLE = "arn:aws:iam::111111111111:role/ReadOnly";

/** Asserts that no secret is on stderr, and none but the role credentials on stdout. */
function assertNoLeak(env: TokenEnv, r: { stdout: string; stderr: string }): void {
  assert.deepEqual(findIssuedSecrets(r.stderr, env.aws.issued), [], "stderr leaks");
  assert.deepEqual(
    findIssuedSecrets(r.stdout, env.aws.issued, { allow: ["secretAccessKeys", "sessionTokens"] }),
    [],
    "stdout leaks",
  );
}

/** A token env whose fake runs on the real clock, as the CLI it serves does (it polls in real time). */
async function cliEnv(options: Parameters<typeof tokenEnv>[0] = {}): Promise<TokenEnv> {
  const env = await tokenEnv({
    now: Date.now(),
    ...options,
    fake: { now: Date.now, ...options.fake },
  });
  await writeSsoConfig(env.home, env.aws.startUrl);
  return env;
}

Deno.test("aws-sso --login --use-device-code signs an sso-session profile in with the device code", async () => {
  await using env = await cliEnv({ fake: { deviceApproveAfterPolls: null } });
  const r = await runCli(["-p", "corp", "--login", "--use-device-code"], {
    home: env.home,
    env: { ...env.aws.env, BROWSER: FAKE_BROWSER }, // it opens verificationUriComplete: approves
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  const c = env.aws.counters;
  assert.equal(c.authorize, 0);
  assert.equal(c.startDeviceAuthorization, 1);
  assert.ok(c.createToken.device_code >= 2);
  assert.match(r.stderr, /\/device\?user_code=|enter the code/);
  assert.match(r.stderr, new RegExp(`Signed in to ${env.aws.startUrl} until \\S+Z\\n`));
  const token = JSON.parse(await Deno.readTextFile(await env.tokenPath(corpProfile(""))));
  assert.equal(token.accessToken, env.aws.issued.accessTokens[0]);
  assertNoLeak(env, r);
});

Deno.test("aws-sso --login of a legacy profile with no browser prints the pre-filled URL on stderr", async () => {
  await using env = await cliEnv({ fake: { deviceApproveAfterPolls: 1 } });
  const r = await runCli(["-p", "legacy", "--login"], { home: env.home, env: env.aws.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, new RegExp(`${env.aws.url}/device\\?user_code=[A-Z]{4}-[A-Z]{4}\\n`));
  assert.equal(env.aws.counters.authorize, 0);
  const path = await env.tokenPath(legacyProfile(env.aws.startUrl));
  assert.equal(JSON.parse(await Deno.readTextFile(path)).startUrl, env.aws.startUrl);
  assertNoLeak(env, r);
});

Deno.test("aws-sso -ext --login-with aws runs `aws sso login` and shows its output on stderr", async () => {
  await using env = await cliEnv();
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: -60_000, refreshable: false });
  const issued = env.aws.issueTokens();
  const bin = join(env.home, ".aws", "bin");
  await Deno.mkdir(bin);
  const tokenFile = join(env.cacheDir, `${await sha1("corp")}.json`);
  const tokenJson = `{"startUrl": "${env.aws.startUrl}", "region": "us-east-1", ` +
    `"accessToken": "${issued.accessToken}", "expiresAt": "${zulu(Date.now() + 3600_000)}"}`;
  await Deno.writeTextFile(
    join(bin, "aws"),
    `#!/bin/sh\necho "fake aws on stdout: $*"\necho "fake aws on stderr" >&2\n` +
      `printf '%s' '${tokenJson}' > '${tokenFile}'\n`,
    { mode: 0o755 },
  );
  const r = await runCli(["-p", "corp", "-r", ROLE, "-ext", "--login-with", "aws"], {
    home: env.home,
    env: { ...env.aws.env, PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}` },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).Version, 1, "stdout holds only the process JSON");
  assert.match(r.stderr, /fake aws on stdout: sso login --profile corp\n/);
  assert.match(r.stderr, /fake aws on stderr\n/);
  assert.equal(env.aws.counters.registerClient, 0);
  assert.equal(env.aws.counters.getRoleCredentials, 1);
  assertNoLeak(env, r);
});

Deno.test("aws-sso -ext fails at once with a hint where no browser can be opened", async (t) => {
  await using env = await cliEnv();
  // The command in the hint is this very program (`aws-sso` may not be on the PATH when the
  // profile runs `deno run …`), with the profile name quoted for a shell.
  await Deno.writeTextFile(
    join(env.home, ".aws", "config"),
    '\n[profile "my corp"]\nsso_session = corp\n',
    { append: true },
  );
  await plantToken(env, corpProfile(env.aws.startUrl), { leftMs: -60_000, refreshable: false });
  const command = [Deno.execPath(), "run", "-A", pathToFileURL(CLI).href];
  for (const profile of ["corp", "my corp"]) {
    await t.step(profile, async () => {
      const r = await runCli(["-p", profile, "-r", ROLE, "-ext"], {
        home: env.home,
        env: env.aws.env,
      });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      const hint = "hint: no browser can be opened here; sign in with: ";
      assert.equal(
        r.stderr.slice(0, r.stderr.indexOf(hint) + hint.length),
        `aws-sso: Cannot get credentials for profile "${profile}": the SSO session has expired\n` +
          hint,
      );
      // What a shell makes of the command: this program, the profile and --login.
      const words = await new Deno.Command("sh", {
        args: ["-c", `printf '%s\\n' ${r.stderr.slice(r.stderr.indexOf(hint) + hint.length)}`],
      }).output();
      assert.deepEqual(
        new TextDecoder().decode(words.stdout).trimEnd().split("\n"),
        [...command, "-p", profile, "--login"],
      );
    });
  }
  assert.equal(env.aws.counters.registerClient + env.aws.counters.authorize, 0);
});

Deno.test("aws-sso --debug leaks no secret on any sign-in path", async (t) => {
  const cases: {
    what: string;
    args: string[];
    leftMs: number | null;
    refreshable?: boolean;
    browser?: boolean;
    fake?: Parameters<typeof tokenEnv>[0];
    code: number;
    check?: (env: TokenEnv, r: { stdout: string; stderr: string }) => void;
  }[] = [
    { what: "PKCE sign-in", args: ["-ext", "-r", ROLE], leftMs: null, browser: true, code: 0 },
    { what: "refresh", args: ["-ext", "-r", ROLE], leftMs: 5 * 60_000, code: 0 },
    {
      what: "refresh refused, PKCE sign-in",
      args: ["-ext", "-r", ROLE],
      leftMs: -60_000,
      browser: true,
      fake: { fake: { faults: [{ op: "createToken", kind: "error", count: 1 }] } },
      code: 0,
    },
    {
      what: "token exchange fails",
      args: ["-ext", "-r", ROLE],
      leftMs: -60_000,
      refreshable: false,
      browser: true,
      fake: {
        fake: {
          faults: [{ op: "createToken", kind: "error", errorType: "InvalidGrantException" }],
        },
      },
      code: 1,
    },
    {
      what: "registration answer cut short, every time (once is retried)",
      args: ["--login"],
      leftMs: 3600_000,
      browser: true,
      fake: { fake: { faults: [{ op: "registerClient", kind: "truncate", ratio: 1 }] } },
      code: 1,
    },
    {
      what: "--no-login with an expired token",
      args: ["--no-login", "-ext", "-r", ROLE],
      leftMs: -1,
      refreshable: false,
      code: 1,
    },
    {
      what: "no browser for -ext",
      args: ["-ext", "-r", ROLE],
      leftMs: -60_000,
      refreshable: false,
      code: 1,
    },
    {
      what: "portal refuses the token: renewed and retried",
      args: ["-ext", "-r", ROLE],
      leftMs: 3600_000,
      browser: true,
      fake: {
        fake: {
          faults: [{
            op: "getRoleCredentials",
            kind: "error",
            status: 401,
            errorType: "UnauthorizedException",
          }],
        },
      },
      code: 0,
    },
    {
      what: "--logout",
      args: ["--logout"],
      leftMs: 3600_000,
      code: 0,
      check(env, r) {
        assert.equal(env.aws.counters.logout, 1);
        assert.match(r.stderr, /^Signed out of /m);
      },
    },
  ];
  for (const c of cases) {
    await t.step(c.what, async () => {
      await using env = await cliEnv(c.fake);
      if (c.leftMs !== null) {
        await plantToken(env, corpProfile(env.aws.startUrl), {
          leftMs: c.leftMs,
          refreshable: c.refreshable ?? true,
        });
      }
      const r = await runCli(["-p", "corp", ...c.args, "--debug"], {
        home: env.home,
        env: { ...env.aws.env, ...(c.browser ? { BROWSER: FAKE_BROWSER } : {}) },
      });
      assert.equal(r.code, c.code, r.stderr);
      if (c.code === 1) assert.match(r.stderr, /\n {4}at /, "--debug prints the stack");
      c.check?.(env, r);
      assertNoLeak(env, r);
    });
  }
});
