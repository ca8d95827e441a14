/**
 * The default mode: credentials into `[default]` of `~/.aws/credentials`, every other byte kept;
 * boto3 and the AWS CLI v2 then use them.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { runCli, writeSsoConfig } from "./_cli.ts";
import { awsCliIdentity, boto3Identity, clientEnv, jsSdkIdentity } from "./_clients.ts";
import {
  assertCleanFailure,
  assertIdentity,
  assertNoSecret,
  ROLE_ARN,
  snapshot,
} from "./_fixtures.ts";
import { issueSession } from "./_session.ts";

/** A credentials file a user keeps: comments, other profiles, CRLF, no final newline. */
const ORIGINAL = [
  "# my credentials",
  "; written by hand",
  "[work]",
  "aws_access_key_id = AKIAWORKEXAMPLE",
  "aws_secret_access_key = work/secret",
  "",
  "[default]",
  "# the default profile",
  "aws_access_key_id = AKIAOLDEXAMPLE",
  "aws_secret_access_key = old/secret",
  "aws_session_token = oldtoken",
  "aws_security_token = oldtoken",
  "region = eu-west-1",
  "",
  "[personal]",
  "aws_access_key_id = AKIAPERSONALEXAMPLE",
  "aws_secret_access_key = personal/secret",
];

interface ProcessJson {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
  AccountId: string;
}

Deno.test("aws-sso writes [default] of ~/.aws/credentials, keeping every other byte", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const path = join(tmp.path, ".aws", "credentials");
  await Deno.writeTextFile(path, ORIGINAL.join("\r\n"), { mode: 0o644 });
  await Deno.chmod(path, 0o644);
  const run = (args: string[]) => runCli(["-p", "corp", ...args], { home: tmp.path, env: aws.env });
  /** The credentials of a role, as `-ext` prints them (served from the role cache). */
  const creds = async (arn: string): Promise<ProcessJson> => {
    const out = await run(["-r", arn, "-ext"]);
    assert.equal(out.code, 0, out.stderr);
    return JSON.parse(out.stdout);
  };

  let afterDefault = "";
  await t.step("[default]", async () => {
    const result = await run(["-r", ROLE_ARN]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      new RegExp(
        `^aws-sso: tightened ${path} to mode 0600 \\(it holds secrets\\)\n` +
          `Wrote credentials for ReadOnly in account 111111111111 to \\[default\\] of ${path}, ` +
          `valid until \\S+Z\n$`,
      ),
    );
    assertNoSecret(result.stderr, aws);
    const c = await creds(ROLE_ARN);
    afterDefault = await Deno.readTextFile(path);
    assert.equal(
      afterDefault,
      [
        ...ORIGINAL.slice(0, 8),
        `aws_access_key_id = ${c.AccessKeyId}`,
        `aws_secret_access_key = ${c.SecretAccessKey}`,
        `aws_session_token = ${c.SessionToken}`,
        // The legacy key is gone: botocore would read it before aws_session_token.
        "region = eu-west-1",
        "aws_account_id = 111111111111",
        `x_security_token_expires = ${c.Expiration.replace("+00:00", "Z")}`,
        "",
        ...ORIGINAL.slice(14),
      ].join("\r\n"),
    );
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  });

  await t.step("--write-profile other", async () => {
    const developer = "arn:aws:iam::222222222222:role/Developer";
    const result = await run(["-r", developer, "--write-profile", "other"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /to \[other\] of /);
    const c = await creds(developer);
    const text = await Deno.readTextFile(path);
    assert.ok(text.startsWith(afterDefault), "[default] and the rest unchanged");
    assert.equal(
      text.slice(afterDefault.length),
      [
        "",
        "",
        "[other]",
        `aws_access_key_id = ${c.AccessKeyId}`,
        `aws_secret_access_key = ${c.SecretAccessKey}`,
        `aws_session_token = ${c.SessionToken}`,
        "aws_account_id = 222222222222",
        `x_security_token_expires = ${c.Expiration.replace("+00:00", "Z")}`,
        "",
      ].join("\r\n"),
    );
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  });

  await t.step("no temp or lock file is left behind", async () => {
    const names = (await Array.fromAsync(Deno.readDir(join(tmp.path, ".aws")))).map((e) => e.name);
    assert.deepEqual(names.filter((n) => n.startsWith("credentials")), ["credentials"]);
  });

  const env = clientEnv(tmp.path, aws);
  await t.step("boto3 reads [default] and [other]", async () => {
    assertIdentity(
      await boto3Identity(env, aws.url, { region: "us-east-1" }),
      "111111111111",
      "ReadOnly",
      "boto3 [default]",
    );
    assertIdentity(
      await boto3Identity(env, aws.url, { profile: "other", region: "us-east-1" }),
      "222222222222",
      "Developer",
      "boto3 [other]",
    );
  });
  await t.step("the AWS CLI v2 reads [default]", async () => {
    assertIdentity(
      await awsCliIdentity(env, aws.url, { region: "us-east-1" }),
      "111111111111",
      "ReadOnly",
      "AWS CLI v2 [default]",
    );
  });
});

Deno.test("aws-sso writes the keys it owns in lower case with =, as the JS SDK reads them", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const path = join(tmp.path, ".aws", "credentials");
  await Deno.writeTextFile(
    path,
    "[default]\nAWS_ACCESS_KEY_ID = AKIAOLDEXAMPLE\nAws_Secret_Access_Key: old\n" +
      "AWS_SESSION_TOKEN=old\nRegion = eu-west-1\n",
    { mode: 0o600 },
  );
  const result = await runCli(["-p", "corp", "-r", ROLE_ARN], { home: tmp.path, env: aws.env });
  assert.equal(result.code, 0, result.stderr);
  const text = await Deno.readTextFile(path);
  assert.match(
    text,
    /^\[default\]\naws_access_key_id = ASIA\S+\naws_secret_access_key = \S+\naws_session_token=\S+\nRegion = eu-west-1\n/,
    "each line keeps its spacing, gets = (the JS SDK reads no :); a key aws-sso does not own is kept",
  );
  const env = clientEnv(tmp.path, aws);
  assertIdentity(
    await jsSdkIdentity(env, aws.url, "default", "ini"),
    "111111111111",
    "ReadOnly",
    "JS SDK [default]",
  );
});

Deno.test("aws-sso leaves a credentials file it cannot parse alone and names the line", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const path = join(tmp.path, ".aws", "credentials");
  const broken = "[default]\naws_access_key_id = AKIAOLDEXAMPLE\nthis line has no equals sign\n";
  await Deno.writeTextFile(path, broken);
  await Deno.chmod(path, 0o640);

  const result = await runCli(["-p", "corp", "-r", ROLE_ARN], { home: tmp.path, env: aws.env });

  assertCleanFailure(result, 1, new RegExp(`${path.replaceAll(".", "\\.")}: line 3\\b`), aws);
  assert.match(result.stderr, /^hint: .*nothing was written/m);
  assert.equal(await Deno.readTextFile(path), broken);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o640);
  const files = Object.keys(await snapshot(join(tmp.path, ".aws")));
  assert.deepEqual(files.filter((f) => f.startsWith("credentials")), ["credentials"]);
});

Deno.test("aws-sso leaves a file that is not UTF-8 text alone, byte for byte, and names the line", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const aws_ = join(tmp.path, ".aws");
  // Latin-1 "Café" in a comment: botocore and the AWS CLI refuse the file too.
  const latin1 = (text: string) => new Uint8Array([...text].map((c) => c.charCodeAt(0)));
  await t.step("the credentials file (-r)", async () => {
    const path = join(aws_, "credentials");
    const bytes = latin1("[default]\naws_access_key_id = AKIAOLDEXAMPLE\n# Caf\xe9 keys\n");
    await Deno.writeFile(path, bytes);
    const result = await runCli(["-p", "corp", "-r", ROLE_ARN], { home: tmp.path, env: aws.env });
    assertCleanFailure(
      result,
      1,
      new RegExp(`${path.replaceAll(".", "\\.")}: line 3: .*not UTF-8`),
      aws,
    );
    assert.match(result.stderr, /^hint: .*nothing was written/m);
    assert.deepEqual(await Deno.readFile(path), bytes);
  });
  await t.step("the config file (-d)", async () => {
    await Deno.remove(join(aws_, "credentials"));
    const path = join(aws_, "config");
    const bytes = new Uint8Array([
      ...new TextEncoder().encode(await Deno.readTextFile(path)),
      ...latin1("# Caf\xe9 profiles\n"),
    ]);
    await Deno.writeFile(path, bytes);
    const lines = new TextDecoder().decode(bytes).split("\n").length - 1;
    const result = await runCli(["-p", "corp", "-d"], { home: tmp.path, env: aws.env });
    assertCleanFailure(
      result,
      1,
      new RegExp(`${path.replaceAll(".", "\\.")}: line ${lines}: .*not UTF-8`),
      aws,
    );
    assert.deepEqual(await Deno.readFile(path), bytes);
  });
});

Deno.test("aws-sso refuses a --write-profile name the JS SDK would read as a comment", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const path = join(tmp.path, ".aws", "credentials");
  const original = "[default]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = static\n";
  await Deno.writeTextFile(path, original);
  // [ci #2] would read as "[ci" to the JS SDK: no header, so the keys below it land in [default].
  for (const name of ["ci #2", "ci ;2"]) {
    const result = await runCli(["-p", "corp", "-r", ROLE_ARN, "--write-profile", name], {
      home: tmp.path,
      env: aws.env,
    });
    assertCleanFailure(result, 2, /^aws-sso: Invalid --write-profile: .*comment/, aws);
    assert.equal(await Deno.readTextFile(path), original);
  }
});

Deno.test({
  name: "aws-sso leaves a read-only credentials file alone, and still serves -ext",
  ignore: Deno.build.os === "windows",
  async fn() {
    // Role credentials too short-lived to be reused: every run asks the portal and caches them.
    await using aws = await startFakeAws({ roleCredentialsTtlSeconds: 600 });
    await using tmp = await withTmpDir();
    await writeSsoConfig(tmp.path, aws.startUrl);
    await issueSession(aws, tmp.path, "corp");
    const path = join(tmp.path, ".aws", "credentials");
    await Deno.writeTextFile(path, ORIGINAL.join("\n"));
    await Deno.chmod(path, 0o400);
    const result = await runCli(["-p", "corp", "-r", ROLE_ARN], { home: tmp.path, env: aws.env });
    assertCleanFailure(result, 1, /: it is read-only \(mode 0400\)$/, aws);
    assert.match(result.stderr, /^hint: make it writable \(chmod u\+w /m);
    assert.equal(await Deno.readTextFile(path), ORIGINAL.join("\n"));
    // The role cache is aws-sso's own: a read-only entry is replaced, as botocore replaces it.
    const cache = join(tmp.path, ".aws", "cli", "cache");
    for (const name of await Array.fromAsync(Deno.readDir(cache))) {
      if (name.name.endsWith(".json")) await Deno.chmod(join(cache, name.name), 0o400);
    }
    const before = aws.counters.getRoleCredentials;
    const ext = await runCli(["-p", "corp", "-r", ROLE_ARN, "-ext"], {
      home: tmp.path,
      env: aws.env,
    });
    assert.equal(ext.code, 0, ext.stderr);
    assert.equal(aws.counters.getRoleCredentials, before + 1, "asked the portal, cached anew");
  },
});
