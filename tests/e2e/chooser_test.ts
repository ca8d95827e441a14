/**
 * The interactive chooser in a real terminal (tmux): type to filter, arrow down, Enter; then
 * `[default]` holds the chosen role. Without a terminal: a clear error before any request.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { shellQuote } from "../../src/command_line.ts";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { cliArgs, cliEnv, runCli, writeSsoConfig } from "./_cli.ts";
import { boto3Identity, clientEnv } from "./_clients.ts";
import { assertCleanFailure, assertIdentity, requestCount, snapshot } from "./_fixtures.ts";
import { issueSession } from "./_session.ts";
import { startTmux } from "./_tmux.ts";

/** `aws-sso ARGS` as a shell command line with exactly the harness's environment. */
function terminalCommand(args: string[], home: string, env: Record<string, string>): string {
  const vars = Object.entries(cliEnv({ home, env })).map(([k, v]) => shellQuote(`${k}=${v}`));
  const words = [Deno.execPath(), ...cliArgs(args, { home, env })].map(shellQuote);
  return ["env", "-i", ...vars, ...words].join(" ");
}

Deno.test("aws-sso chooser: filter, arrow down and Enter write the chosen role to [default]", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const credentials = join(tmp.path, ".aws", "credentials");

  await t.step("type, Down, Enter", async () => {
    await using term = await startTmux({
      dir: tmp.path,
      command: terminalCommand(["-p", "corp"], tmp.path, aws.env),
    });
    await term.waitFor(/Choose a role \(6\/6\), type to filter:$/m);
    await term.sendKeys(["staging"], { literal: true });
    const filtered = await term.waitFor(/Choose a role \(3\/6\), type to filter: staging$/m);
    assert.match(filtered, /^> Staging\s+222222222222\s+AdministratorAccess$/m);
    await term.sendKeys(["Down"]);
    await term.waitFor(/^> Staging\s+222222222222\s+Developer$/m);
    await term.sendKeys(["Enter"]);
    assert.equal(await term.exitStatus(), 0, await term.screen());
    await term.waitFor(/Wrote credentials for Developer in account 222222222222 to \[default\]/);
  });

  await t.step(
    "a narrow terminal: no line wraps, so no stale row is left as one types",
    async () => {
      await using term = await startTmux({
        dir: tmp.path,
        command: terminalCommand(["-p", "corp"], tmp.path, aws.env),
        width: 30,
      });
      await term.waitFor(/Choose a role/);
      await term.sendKeys(["stagingx"], { literal: true });
      await term.waitFor(/\(no match\)/);
      for (let i = 0; i < 8; i++) await term.sendKeys(["BSpace"]);
      await term.waitFor(/\(6\/6\)/);
      const screen = await term.visible();
      // One header row: the one drawn last (a wrapped header would leave its first half behind).
      assert.equal(screen.match(/Choose a role|type to filter|\(no match\)/g)?.length, 1, screen);
      for (const line of screen.split("\n")) assert.ok(line.length < 30, JSON.stringify(line));
      await term.sendKeys(["Escape"]);
      await term.exitStatus();
    },
  );

  await t.step("[default] holds the chosen role (boto3 asks STS)", async () => {
    assertIdentity(
      await boto3Identity(clientEnv(tmp.path, aws), aws.url, { region: "us-east-1" }),
      "222222222222",
      "Developer",
      "boto3 [default]",
    );
    assert.equal((await Deno.stat(credentials)).mode! & 0o777, 0o600);
  });

  await t.step("the role just chosen comes first next time", async () => {
    await using term = await startTmux({
      dir: tmp.path,
      command: terminalCommand(["-p", "corp"], tmp.path, aws.env),
    });
    await term.waitFor(/^> Staging\s+222222222222\s+Developer$/m);
    await term.sendKeys(["Enter"]);
    assert.equal(await term.exitStatus(), 0, await term.screen());
  });

  for (const key of ["Escape", "C-c"]) {
    await t.step(`${key} cancels (exit 130, as fzf) and writes nothing`, async () => {
      const before = await Deno.readTextFile(credentials);
      await using term = await startTmux({
        dir: tmp.path,
        command: terminalCommand(["-p", "corp"], tmp.path, aws.env),
      });
      await term.waitFor(/Choose a role/);
      await term.sendKeys([key]);
      assert.equal(await term.exitStatus(), 130, await term.screen());
      await term.waitFor(/^aws-sso: No role chosen$/m);
      assert.equal(await Deno.readTextFile(credentials), before);
    });
  }

  await t.step("--list on a terminal prints a table", async () => {
    await using term = await startTmux({
      dir: tmp.path,
      command: terminalCommand(["-p", "corp", "--list"], tmp.path, aws.env),
    });
    assert.equal(await term.exitStatus(), 0, await term.screen());
    const screen = await term.waitFor(/^333333333333\s+Sandbox\s+Developer\s+arn:\S+$/m);
    assert.match(screen, /^ACCOUNT\s+NAME\s+ROLE\s+ROLE ARN\n111111111111\s+Production\s/m);
  });
});

Deno.test("aws-sso without a role and without a terminal fails before any request", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const before = await snapshot(tmp.path);

  const result = await runCli(["-p", "corp"], { home: tmp.path, env: aws.env });

  assertCleanFailure(result, 1, /^aws-sso: No role given, and no terminal to choose one on$/, aws);
  assert.match(result.stderr, /^hint: add -r ROLE_ARN/m);
  assert.equal(requestCount(aws.counters), 0, "no request at all");
  assert.deepEqual(await snapshot(tmp.path), before);
});
