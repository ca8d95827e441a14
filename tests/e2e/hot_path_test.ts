/**
 * The credential_process hot path (valid cached credentials) loads no npm module: it works with
 * an empty Deno cache and `--cached-only`, where anything that needs the AWS SDK fails. And it
 * loads nothing but `cli.ts`, its one-file build and the runtime.
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { runFlags } from "../../src/cli/permissions.ts";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { cliEnv, ROOT, runCli, writeSsoConfig } from "./_cli.ts";
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

/** The files a cached call may load; everything else of aws-sso is left out of the copy. */
const HOT_FILES = [
  "cli.ts",
  "src/cli/answer_from_cache.bundle.js",
  "src/deno_runtime.ts",
  "src/errors.ts",
];

Deno.test("aws-sso -ext with cached credentials loads only cli.ts, its build and the runtime", async () => {
  await using aws = await startFakeAws();
  await using home = await withTmpDir();
  await using app = await withTmpDir();
  await writeSsoConfig(home.path, aws.startUrl);
  await issueSession(aws, home.path, "corp");
  for (const file of HOT_FILES) {
    await Deno.mkdir(join(app.path, dirname(file)), { recursive: true });
    await Deno.copyFile(join(ROOT, file), join(app.path, file));
  }
  const env = cliEnv({ home: home.path, env: aws.env });
  const flags = runFlags((n) => env[n], Deno.build.os, {
    sourceRoot: pathToFileURL(`${app.path}/`).href,
  });
  const runCopy = () =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", ...flags, join(app.path, "cli.ts"), ...ARGS],
      env,
      clearEnv: true,
      cwd: home.path,
      stdin: "null",
    }).output();

  // Without cached credentials the copy needs the rest of the CLI: the check bites.
  const cold = await runCopy();
  assert.notEqual(cold.code, 0);
  assert.match(new TextDecoder().decode(cold.stderr), /run_main\.bundle\.js/);

  const fill = await runCli(ARGS, { home: home.path, env: aws.env });
  assert.equal(fill.code, 0, fill.stderr);
  const hot = await runCopy();
  assert.equal(hot.code, 0, new TextDecoder().decode(hot.stderr));
  assert.equal(new TextDecoder().decode(hot.stderr), "");
  assert.equal(new TextDecoder().decode(hot.stdout), fill.stdout);
  assert.equal(aws.counters.getRoleCredentials, 1);
});
