/**
 * `-ext`: aws-sso as a `credential_process`, judged by the JS SDK, boto3 and the AWS CLI v2.
 */

import assert from "node:assert/strict";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { FAKE_BROWSER, runCli, writeSsoConfig } from "./_cli.ts";
import { awsCliIdentity, boto3Identity, clientEnv, jsSdkIdentity } from "./_clients.ts";
import {
  assertCleanFailure,
  assertIdentity,
  assertNoSecret,
  requestCount,
  ROLE_ARN,
  snapshot,
} from "./_fixtures.ts";
import { issueSession } from "./_session.ts";

Deno.test("aws-sso -ext prints one credential_process JSON object and nothing else", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");

  const result = await runCli(["-p", "corp", "-r", ROLE_ARN, "-ext"], {
    home: tmp.path,
    env: aws.env,
  });

  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^\{[^\n]*\}\n?$/, "one JSON object on one line");
  const out = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(out).sort(), [
    "AccessKeyId",
    "AccountId",
    "Expiration",
    "SecretAccessKey",
    "SessionToken",
    "Version",
  ]);
  assert.equal(out.Version, 1);
  assert.match(out.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
  assert.equal(out.AccountId, "111111111111");
  // As the AWS CLI's export-credentials and the Python tool print it (Python < 3.11's
  // datetime.fromisoformat refuses "Z").
  assert.match(out.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  assert.ok(Date.parse(out.Expiration) > Date.now() + 50 * 60_000, "about an hour left");
  assert.equal(aws.issued.secretAccessKeys.at(-1), out.SecretAccessKey);
  assertNoSecret(result.stderr, aws);
});

Deno.test("aws-sso -ext signs in through the browser when needed; stdout stays one JSON object", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);

  const result = await runCli(["-p", "corp", "-r", ROLE_ARN, "-ext"], {
    home: tmp.path,
    env: { ...aws.env, BROWSER: FAKE_BROWSER },
  });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).AccountId, "111111111111");
  assert.equal(aws.counters.createToken.authorization_code, 1, "signed in with PKCE");
  assertNoSecret(result.stderr, aws);
  const again = await runCli([
    "-p",
    "corp",
    "-r",
    "arn:aws:iam::222222222222:role/Developer",
    "-ext",
  ], {
    home: tmp.path,
    env: aws.env,
  });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(aws.counters.authorize, 1, "the token was cached: no second sign-in");
});

Deno.test("aws-sso -ext discovered profiles give the role to the JS SDK, boto3 and the AWS CLI v2", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const discovery = await runCli(["-p", "corp", "-d"], { home: tmp.path, env: aws.env });
  assert.equal(discovery.code, 0, discovery.stderr);
  const env = clientEnv(tmp.path, aws);

  await t.step("JS SDK fromProcess", async () => {
    const id = await jsSdkIdentity(env, aws.url, "111111111111-ReadOnly", "process");
    assertIdentity(id, "111111111111", "ReadOnly", "JS SDK fromProcess");
  });
  await t.step("JS SDK default chain (fromIni)", async () => {
    const id = await jsSdkIdentity(env, aws.url, "222222222222-Developer", "ini");
    assertIdentity(id, "222222222222", "Developer", "JS SDK fromIni");
  });
  await t.step("boto3", async () => {
    const id = await boto3Identity(env, aws.url, { profile: "111111111111-ReadOnly" });
    assertIdentity(id, "111111111111", "ReadOnly", "boto3");
  });
  await t.step("AWS CLI v2", async () => {
    const id = await awsCliIdentity(env, aws.url, { profile: "111111111111-ReadOnly" });
    assertIdentity(id, "111111111111", "ReadOnly", "AWS CLI v2");
  });
  // The first call asked the portal; the others were served from the shared role cache.
  assert.equal(aws.counters.getRoleCredentials, 2);
  assert.ok(aws.counters.getCallerIdentity >= 4);
});

Deno.test("aws-sso -ext without a role is a usage error and prints nothing on stdout", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");

  const result = await runCli(["-p", "corp", "-ext"], { home: tmp.path, env: aws.env });

  assertCleanFailure(result, 2, /-ext needs a role/, aws);
  assert.equal(aws.counters.listAccounts + aws.counters.getRoleCredentials, 0);
});

Deno.test("aws-sso without -r uses the role the profile names where no one can choose", async (t) => {
  // A profile written by `aws configure sso` names its role (sso_account_id, sso_role_name): the
  // AWS CLI uses it, and so does aws-sso wherever its chooser cannot run.
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(
    tmp.path,
    aws.startUrl,
    "\n[profile corp-dev]\nsso_session = corp\nsso_account_id = 333333333333\n" +
      "sso_role_name = Developer\n",
  );
  await issueSession(aws, tmp.path, "corp");
  const opts = { home: tmp.path, env: aws.env };
  await t.step("-ext", async () => {
    const result = await runCli(["-p", "corp-dev", "-ext"], opts);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).AccountId, "333333333333");
  });
  await t.step("-env, not on a terminal", async () => {
    const result = await runCli(["-p", "corp-dev", "-env", "--format", "sh"], opts);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^export AWS_ACCESS_KEY_ID=/m);
  });
  await t.step("[default] of the credentials file, not on a terminal", async () => {
    const result = await runCli(["-p", "corp-dev"], opts);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^Wrote credentials for Developer in account 333333333333 /);
  });
  assert.equal(aws.counters.listAccounts, 0, "no chooser, no discovery");
});

Deno.test("aws-sso -ext --no-login without a session names the command to sign in, at once", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  const before = await snapshot(tmp.path);

  const started = performance.now();
  const result = await runCli(["-p", "corp", "-r", ROLE_ARN, "-ext", "--no-login"], {
    home: tmp.path,
    env: aws.env,
  });
  const elapsed = performance.now() - started;

  assertCleanFailure(result, 1, /profile "corp".*no SSO session/);
  assert.match(result.stderr, /^hint: sign in with: \S+ run -A file:\S+\/cli.ts -p corp --login$/m);
  assert.ok(elapsed < 5_000, `fails fast (${elapsed.toFixed(0)} ms)`);
  assert.equal(requestCount(aws.counters), 0, "no request at all");
  assert.deepEqual(await snapshot(tmp.path), before);
});

Deno.test("aws-sso -ext without a session and without a browser fails at once instead of hanging", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);

  const result = await runCli(["-p", "corp", "-r", ROLE_ARN, "-ext"], {
    home: tmp.path,
    env: aws.env,
  });

  assertCleanFailure(result, 1, /no SSO session/);
  assert.match(result.stderr, /^hint: no browser can be opened here.* -p corp --login$/m);
  assert.equal(requestCount(aws.counters), 0, "no request at all");
});
