/**
 * Bad input: one clear line (`aws-sso: …`, then an optional `hint:` line), exit 1 (2 for usage),
 * no stack trace without `--debug`, no secret, and no file changed.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { runFlags } from "../../src/cli/permissions.ts";
import { cliArgs, cliEnv, ROOT, runCli, writeSsoConfig } from "./_cli.ts";
import {
  assertCleanFailure,
  assertNoSecret,
  escapeRegExp,
  ROLE_ARN,
  snapshot,
  STACK_FRAME,
} from "./_fixtures.ts";
import { issueSession } from "./_session.ts";

const EXTRA_PROFILES = `
[profile plain]
region = us-east-1

[profile broken]
sso_session = missing
sso_account_id = 111111111111
sso_role_name = ReadOnly
`;

/** A config file botocore refuses: line 3 is neither a key nor a comment. */
const MALFORMED_CONFIG = "[profile corp]\nsso_session = corp\nthis line is not a setting\n";

Deno.test("aws-sso reports bad input in one line and changes no file", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  const config = await writeSsoConfig(tmp.path, aws.startUrl, EXTRA_PROFILES);
  await issueSession(aws, tmp.path, "corp");
  await Deno.writeTextFile(
    join(tmp.path, ".aws", "credentials"),
    "[default]\naws_access_key_id = AKIAOLDEXAMPLE\naws_secret_access_key = old\n",
    { mode: 0o600 },
  );
  const malformed = join(tmp.path, ".aws", "malformed-config");
  await Deno.writeTextFile(malformed, MALFORMED_CONFIG);

  const notGranted = "arn:aws:iam::111111111111:role/Developer";
  const cases: {
    name: string;
    args: string[];
    env?: Record<string, string>;
    code: number;
    message: RegExp;
  }[] = [
    {
      name: "unknown profile",
      args: ["-p", "nope", "-r", ROLE_ARN, "-ext"],
      code: 1,
      message: new RegExp(`^aws-sso: Profile "nope" not found in ${escapeRegExp(config)}$`),
    },
    {
      name: "a profile that is not SSO",
      args: ["-p", "plain", "-r", ROLE_ARN],
      code: 1,
      message: /"plain" is not an SSO profile/,
    },
    {
      name: "sso_session naming a missing section",
      args: ["-p", "broken", "-r", ROLE_ARN, "-ext"],
      code: 1,
      message: /uses sso-session "missing", which does not exist/,
    },
    {
      name: "a malformed ARN",
      args: ["-p", "corp", "-r", "arn:aws:iam::12345:role/ReadOnly", "-ext"],
      code: 2,
      message: /"arn:aws:iam::12345:role\/ReadOnly": .*12 digits/,
    },
    {
      name: "a role not granted",
      args: ["-p", "corp", "-r", notGranted, "-ext"],
      code: 1,
      message: /role Developer in account 111111111111: not granted/,
    },
    {
      name: "an account not assigned",
      args: ["-p", "corp", "--account", "999999999999", "--role", "ReadOnly"],
      code: 1,
      message: /account 999999999999: not granted/,
    },
    {
      name: "a malformed config file",
      args: ["-p", "corp", "-r", ROLE_ARN, "-ext"],
      env: { AWS_CONFIG_FILE: malformed },
      code: 1,
      message: new RegExp(`^aws-sso: Cannot parse ${escapeRegExp(malformed)}: line 3: `),
    },
    { name: "an unknown flag", args: ["-p", "corp", "--bogus"], code: 2, message: /--bogus/ },
    {
      name: "--account without --role",
      args: ["-p", "corp", "--account", "111111111111"],
      code: 2,
      message: /--account and --role go together/,
    },
    {
      name: "-d with a role",
      args: ["-p", "corp", "-d", "-r", ROLE_ARN],
      code: 2,
      message: /take no role/,
    },
  ];
  for (const { name, args, env, code, message } of cases) {
    await t.step(name, async () => {
      const before = await snapshot(tmp.path);
      const result = await runCli(args, { home: tmp.path, env: { ...aws.env, ...env } });
      assertCleanFailure(result, code, message, aws);
      if (code === 2) assert.match(result.stderr, /^hint: /m, "usage errors point to --help");
      assert.deepEqual(await snapshot(tmp.path), before, "no file changed");
    });
  }

  await t.step("the hint quotes a profile name as the shell needs it", async () => {
    const result = await runCli(["-p", "dev team", "-r", ROLE_ARN, "-ext"], {
      home: tmp.path,
      env: aws.env,
    });
    assertCleanFailure(result, 1, /^aws-sso: Profile "dev team" not found/);
    assert.match(result.stderr, /^hint: add it with "aws configure sso --profile 'dev team'"/m);
  });

  await t.step("--debug adds the stack, still without a secret", async () => {
    const result = await runCli(
      ["-p", "corp", "-r", notGranted, "-ext", "--debug"],
      { home: tmp.path, env: aws.env },
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^aws-sso: .*not granted/);
    assert.match(result.stderr, STACK_FRAME);
    assert.match(result.stderr, /ForbiddenException/, "the cause is shown");
    assertNoSecret(result.stdout + result.stderr, aws);
  });
});

Deno.test("aws-sso -d with no account assigned says so and writes nothing", async () => {
  await using aws = await startFakeAws({
    directory: { userName: "bob@example.com", accounts: [] },
  });
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const before = await snapshot(tmp.path);

  for (const args of [["-d"], ["-d", "--prune"]]) {
    const result = await runCli(["-p", "corp", ...args], { home: tmp.path, env: aws.env });
    assertCleanFailure(result, 1, /^aws-sso: No account or role is assigned to you/, aws);
    assert.match(result.stderr, /^hint: .*nothing was written/m);
    assert.deepEqual(await snapshot(tmp.path), before);
  }
});

Deno.test("aws-sso takes a cached token no HTTP header can carry for no session, and never shows it", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  const tokenFile = await issueSession(aws, tmp.path, "corp");
  const token = JSON.parse(await Deno.readTextFile(tokenFile));
  for (const bad of ["\u0000", "\n", " ", "é"]) {
    await t.step(JSON.stringify(bad), async () => {
      await Deno.writeTextFile(
        tokenFile,
        JSON.stringify({ ...token, accessToken: bad + token.accessToken }),
      );
      const result = await runCli(["-p", "corp", "-r", ROLE_ARN, "-ext", "--no-login", "--debug"], {
        home: tmp.path,
        env: aws.env,
      });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /^aws-sso: .*no SSO session/);
      assertNoSecret(result.stdout + result.stderr, aws);
      assert.equal(aws.counters.getRoleCredentials, 0, "the token was not sent");
    });
  }
});

Deno.test("aws-sso shows control characters of a service's error text escaped, not raw", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  aws.setFaults([{
    op: "getRoleCredentials",
    kind: "error",
    status: 400,
    message: "bad \u001b[31mred\u001b[0m \u0007 \u009b2J request",
  }]);
  const result = await runCli(["-p", "corp", "-r", ROLE_ARN, "-ext"], {
    home: tmp.path,
    env: aws.env,
  });
  assertCleanFailure(result, 1, /bad \\x1b\[31mred\\x1b\[0m \\x07 \\x9b2J request/, aws);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(result.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
});

Deno.test({
  name: "aws-sso says that it could not write its output, when stdout is a full disk",
  ignore: Deno.build.os !== "linux",
  async fn(t) {
    await using aws = await startFakeAws();
    await using tmp = await withTmpDir();
    await writeSsoConfig(tmp.path, aws.startUrl);
    await issueSession(aws, tmp.path, "corp");
    const options = { home: tmp.path, env: aws.env };
    const args = ["-p", "corp", "-r", ROLE_ARN, "-ext"];
    const words = [Deno.execPath(), ...cliArgs(args, options)];
    const quoted = words.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(" ");
    const toFullDisk = async () => {
      const out = await new Deno.Command("/bin/sh", {
        args: ["-c", `exec ${quoted} > /dev/full`],
        env: cliEnv(options),
        clearEnv: true,
        stdout: "null",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assertCleanFailure(
        { code: out.code, stdout: "", stderr },
        1,
        /^aws-sso: Cannot write to standard output: no space left on device$/,
        aws,
      );
    };
    await t.step("main() writing credentials from the portal", toFullDisk);
    // They were cached before the output failed: the next call is the hot path's.
    assert.equal((await runCli(args, options)).code, 0);
    await t.step("the hot path writing cached credentials", toFullDisk);
    assert.equal(aws.counters.getRoleCredentials, 1);
  },
});

Deno.test("aws-sso reports an error without loading anything more (a jsr: run gone offline)", async () => {
  // The error report is loaded with main(): a failure (a network that is down) must not depend
  // on loading more code (from jsr.io). Once main() is loaded, the runner takes back the read
  // access to aws-sso's folder (lazy dynamic imports then need it), so no module can be loaded.
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, "https://example.awsapps.com/start");
  const env = cliEnv({ home: tmp.path });
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...runFlags((n) => env[n], Deno.build.os),
      join(ROOT, "tests", "e2e", "_main_then_offline.ts"),
      ...["-p", "nope", "-r", ROLE_ARN, "-ext"],
    ],
    env,
    clearEnv: true,
    cwd: tmp.path,
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  const result = { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  assertCleanFailure(result, 1, /^aws-sso: Profile "nope" not found in /);
});

Deno.test("aws-sso says in one line that it cannot load the rest of its code (a jsr: run offline)", async () => {
  // A call the cache cannot answer loads main() then: run from local files with permission flags
  // that leave out aws-sso's own folder (the flags of a jsr: run), that load fails.
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, "https://example.awsapps.com/start");
  const env = cliEnv({ home: tmp.path });
  const flags = runFlags((n) => env[n], Deno.build.os, {
    sourceRoot: "https://jsr.io/@ssokit/aws-sso/0.1.0/",
  });
  const result = await runCli(["-p", "nope", "-r", ROLE_ARN, "-ext"], { home: tmp.path, flags });
  assertCleanFailure(
    result,
    1,
    /^aws-sso: Cannot load the rest of aws-sso: .*run_main\.bundle\.js/,
  );
});
