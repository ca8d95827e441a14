/**
 * `-env`: export lines a shell evaluates; the AWS CLI v2 proves the keys work.
 */

import assert from "node:assert/strict";
import { shellQuote } from "../../src/command_line.ts";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { cliArgs, runCli, writeSsoConfig } from "./_cli.ts";
import { AWS_CLI_V2, clientEnv } from "./_clients.ts";
import { assertIdentity, assertNoSecret, ROLE_ARN } from "./_fixtures.ts";
import { issueSession } from "./_session.ts";

/** The shell command line that runs `aws-sso ARGS` as the e2e harness does. */
function cliCommandLine(args: string[], home: string, env: Record<string, string>): string {
  return [Deno.execPath(), ...cliArgs(args, { home, env })].map(shellQuote).join(" ");
}

async function shell(
  program: string,
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(program, {
    args: ["-c", script],
    env,
    clearEnv: true,
    cwd: env.HOME ?? "/",
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("aws-sso -env: eval in sh gives the AWS CLI v2 working credentials and region", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const env = clientEnv(tmp.path, aws);
  const command = cliCommandLine(["-p", "corp", "-r", ROLE_ARN, "-env"], tmp.path, aws.env);

  // No --region: the AWS_DEFAULT_REGION line of the output must be there too.
  const result = await shell(
    "/bin/sh",
    `eval "$(${command})" && test -n "$AWS_SESSION_TOKEN" && ` +
      `${AWS_CLI_V2} sts get-caller-identity --output json --endpoint-url ${aws.url}`,
    env,
  );

  assert.equal(result.code, 0, result.stderr);
  assertIdentity(JSON.parse(result.stdout), "111111111111", "ReadOnly", "AWS CLI v2");
  assertNoSecret(result.stderr, aws);
});

Deno.test("aws-sso -env unsets what clients would take over the new keys (AWS_PROFILE, AWS_SECURITY_TOKEN)", async () => {
  // `export AWS_PROFILE=corp` (so -p can be left out), or a stale AWS_SECURITY_TOKEN from another
  // tool: botocore takes AWS_SECURITY_TOKEN over AWS_SESSION_TOKEN, the JS SDK a profile over keys.
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const env = {
    ...clientEnv(tmp.path, aws),
    AWS_PROFILE: "corp",
    AWS_DEFAULT_PROFILE: "corp",
    AWS_SECURITY_TOKEN: "stale-token-of-another-tool",
  };
  const command = cliCommandLine(["-r", ROLE_ARN, "-env", "--format", "sh"], tmp.path, aws.env);

  const result = await shell(
    "/bin/sh",
    `eval "$(${command})" && test -z "\${AWS_PROFILE+x}\${AWS_DEFAULT_PROFILE+x}" && ` +
      `test -z "\${AWS_SECURITY_TOKEN+x}" && ` +
      `${AWS_CLI_V2} sts get-caller-identity --output json --endpoint-url ${aws.url}`,
    env,
  );

  assert.equal(result.code, 0, result.stderr);
  assertIdentity(JSON.parse(result.stdout), "111111111111", "ReadOnly", "AWS CLI v2");
  assert.match(
    result.stderr,
    /unsets AWS_SECURITY_TOKEN, AWS_PROFILE, AWS_DEFAULT_PROFILE, .*; give -p corp from now on\n/,
  );
  assertNoSecret(result.stderr, aws);
});

Deno.test("aws-sso -env --format fish: sourced by fish, the keys work", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const env = clientEnv(tmp.path, aws);
  const command = cliCommandLine(
    ["-p", "corp", "-r", "arn:aws:iam::222222222222:role/Developer", "-env", "--format", "fish"],
    tmp.path,
    aws.env,
  );

  let result;
  try {
    result = await shell(
      "/usr/bin/fish",
      `${command} | source; and ${AWS_CLI_V2} sts get-caller-identity --output json ` +
        `--endpoint-url ${aws.url}`,
      env,
    );
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error("fish is missing: .ci/run installs it");
    }
    throw err;
  }

  assert.equal(result.code, 0, result.stderr);
  assertIdentity(JSON.parse(result.stdout), "222222222222", "Developer", "AWS CLI v2 in fish");
});

Deno.test("aws-sso -env writes the syntax of each --format, and export lines without one", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const names = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
  ];
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ["sh (no SHELL)", [], {}, /^export (AWS_\w+)='([^']*)'$/],
    ["sh (SHELL=/bin/bash)", [], { SHELL: "/bin/bash" }, /^export (AWS_\w+)='([^']*)'$/],
    // The login shell says nothing about the shell that runs `eval "$(…)"`: a bash script run by a
    // fish user.
    ["sh (SHELL=/usr/bin/fish)", [], { SHELL: "/usr/bin/fish" }, /^export (AWS_\w+)='([^']*)'$/],
    ["fish", ["--format", "fish"], {}, /^set -gx (AWS_\w+) '([^']*)'$/],
    ["powershell", ["--format", "powershell"], {}, /^\$Env:(AWS_\w+) = '([^']*)'$/],
    ["cmd", ["--format", "cmd"], {}, /^set "(AWS_\w+)=([^"]*)"$/],
    ["dotenv", ["--format", "dotenv"], {}, /^(AWS_\w+)='([^']*)'$/],
  ];
  let keyId: string | undefined;
  for (const [name, flags, extra, line] of cases) {
    await t.step(name, async () => {
      const result = await runCli(["-p", "corp", "-r", ROLE_ARN, "-env", ...flags], {
        home: tmp.path,
        env: { ...aws.env, ...extra },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, "");
      const lines = result.stdout.trimEnd().split("\n").map((l) => l.match(line));
      assert.ok(lines.every((m) => m), `every line in ${name} syntax:\n${result.stdout}`);
      assert.deepEqual(lines.map((m) => m![1]), names);
      const values = Object.fromEntries(lines.map((m) => [m![1], m![2]]));
      assert.equal(values.AWS_REGION, "eu-west-1");
      // Served from the role cache: every format carries the same credentials.
      keyId ??= values.AWS_ACCESS_KEY_ID;
      assert.equal(values.AWS_ACCESS_KEY_ID, keyId);
    });
  }
  assert.equal(aws.counters.getRoleCredentials, 1);
});

Deno.test("aws-sso -env --format with an unknown format is a usage error", async () => {
  await using tmp = await withTmpDir();
  const result = await runCli(["-p", "corp", "-r", ROLE_ARN, "-env", "--format", "tcsh"], {
    home: tmp.path,
  });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^aws-sso: Unknown --format "tcsh": use one of sh, fish/);
});

Deno.test("aws-sso -env points a fish user at --format fish when its export lines must unset", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const env = { ...aws.env, SHELL: "/usr/bin/fish", AWS_PROFILE: "corp" };
  const result = await runCli(["-r", ROLE_ARN, "-env"], { home: tmp.path, env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^unset AWS_PROFILE$/m);
  assert.match(result.stderr, /fish has no unset: give --format fish/);
  const quiet = await runCli(["-r", ROLE_ARN, "-env"], {
    home: tmp.path,
    env: { ...env, SHELL: "/bin/bash" },
  });
  assert.doesNotMatch(quiet.stderr, /--format fish/);
});
