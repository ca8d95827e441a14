/**
 * The credential_process hot path (valid cached credentials) loads no npm module: it works with
 * an empty Deno cache and `--cached-only`, where anything that needs the AWS SDK fails.
 */

import assert from "node:assert/strict";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { runCli, writeSsoConfig } from "./_cli.ts";
import { issueSession } from "./_session.ts";

const ARGS = ["-p", "corp", "-r", "arn:aws:iam::111111111111:role/ReadOnly", "-ext"];

Deno.test("aws-sso -ext with cached credentials loads no npm module", async () => {
  await using aws = await startFakeAws();
  await using home = await withTmpDir();
  await using emptyCache = await withTmpDir();
  await writeSsoConfig(home.path, aws.startUrl);
  await issueSession(aws, home.path, "corp");
  const noNpm = { env: { ...aws.env, DENO_DIR: emptyCache.path }, denoOptions: ["--cached-only"] };

  // Without cached credentials the portal client is needed, and cannot be loaded: the check bites.
  const cold = await runCli(ARGS, { home: home.path, ...noNpm });
  assert.equal(cold.code, 1);
  assert.match(cold.stderr, /npm/);
  assert.equal(aws.counters.getRoleCredentials, 0);

  const fill = await runCli(ARGS, { home: home.path, env: aws.env });
  assert.equal(fill.code, 0, fill.stderr);

  const hot = await runCli(ARGS, { home: home.path, ...noNpm });
  assert.equal(hot.code, 0, hot.stderr);
  assert.equal(hot.stderr, "");
  assert.deepEqual(JSON.parse(hot.stdout), JSON.parse(fill.stdout));
  assert.equal(aws.counters.getRoleCredentials, 1);
});
