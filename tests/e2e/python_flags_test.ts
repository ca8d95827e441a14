/**
 * The Python tool's command lines, as its argparse parser reads them: long options abbreviated
 * (`--ext`, `--prof`), short flags grouped (`-dp corp`), and `--role` as the abbreviation of its
 * `--rolearn`. Existing `credential_process` lines and scripts keep working.
 */

import assert from "node:assert/strict";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { runCli, writeSsoConfig } from "./_cli.ts";
import { assertCleanFailure, ROLE_ARN } from "./_fixtures.ts";
import { issueSession } from "./_session.ts";

Deno.test("aws-sso reads the Python tool's flags as its argparse parser does", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const run = (args: string[]) => runCli(args, { home: tmp.path, env: aws.env });

  const processLines: string[][] = [
    ["--prof", "corp", "--rolearn", ROLE_ARN, "--ext"],
    ["--profile=corp", "--role", ROLE_ARN, "--external"],
    ["-p", "corp", "--rol=" + ROLE_ARN, "--external-source"],
  ];
  for (const args of processLines) {
    await t.step(`credential_process: ${args.join(" ")}`, async () => {
      const result = await run(args);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).Version, 1);
    });
  }
  await t.step("--env", async () => {
    const result = await run(["--profile", "corp", "-r", ROLE_ARN, "--env"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^export AWS_ACCESS_KEY_ID=/m);
  });
  for (const args of [["-dp", "corp", "--dry-run"], ["--discover", "-pcorp", "--dry-run"]]) {
    await t.step(`discovery: ${args.join(" ")}`, async () => {
      const result = await run(args);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^\+\[profile 111111111111-ReadOnly\]$/m);
    });
  }
  await t.step("an abbreviation of one of our own options is not guessed", async () => {
    assertCleanFailure(await run(["-p", "corp", "-d", "--dry"]), 2, /Unknown option '--dry'/, aws);
  });
});

Deno.test("aws-sso refuses flags that contradict each other", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  const cases: [string[], RegExp][] = [
    [["-p", "corp", "--logout", "--login"], /--login and --logout/],
    [["-p", "corp", "--login", "--no-login"], /--login and --no-login/],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const result = await runCli(args, { home: tmp.path, env: aws.env });
      assertCleanFailure(result, 2, message, aws);
    });
  }
});
