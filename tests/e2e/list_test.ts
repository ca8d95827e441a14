/**
 * `--list`: every account and role, tab-separated in a pipe, or JSON.
 */

import assert from "node:assert/strict";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { cliCommand, runCli, writeSsoConfig } from "./_cli.ts";
import { assertNoSecret } from "./_fixtures.ts";
import { issueSession } from "./_session.ts";

const ROLES = [
  ["111111111111", "Production", "AdministratorAccess"],
  ["111111111111", "Production", "ReadOnly"],
  ["222222222222", "Staging", "AdministratorAccess"],
  ["222222222222", "Staging", "Developer"],
  ["222222222222", "Staging", "ReadOnly"],
  ["333333333333", "Sandbox", "Developer"],
] as const;

Deno.test("aws-sso --list prints tab-separated rows when stdout is not a terminal", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");

  const result = await runCli(["-p", "corp", "--list"], { home: tmp.path, env: aws.env });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, "");
  assert.equal(
    result.stdout,
    ROLES.map(([id, name, role]) => `${id}\t${name}\t${role}\tarn:aws:iam::${id}:role/${role}\n`)
      .join(""),
  );
  assertNoSecret(result.stdout, aws);
});

Deno.test("aws-sso --list --json prints an array whose role ARNs -ext accepts", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");

  const result = await runCli(["-p", "corp", "--list", "--json"], {
    home: tmp.path,
    env: aws.env,
  });

  assert.equal(result.code, 0, result.stderr);
  const rows: { roleArn: string }[] = JSON.parse(result.stdout);
  assert.deepEqual(
    rows,
    ROLES.map(([accountId, accountName, roleName]) => ({
      accountId,
      accountName,
      roleName,
      roleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
    })),
  );
  const ext = await runCli(["-p", "corp", "-r", rows[5]!.roleArn, "-ext"], {
    home: tmp.path,
    env: aws.env,
  });
  assert.equal(ext.code, 0, ext.stderr);
  assert.equal(JSON.parse(ext.stdout).AccountId, "333333333333");
});

Deno.test("aws-sso --json without --list is a usage error", async () => {
  await using tmp = await withTmpDir();
  const result = await runCli(["-p", "corp", "--json"], { home: tmp.path });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^aws-sso: --json goes with --list\n/);
});

Deno.test("aws-sso --list into a pipe closed early (| head) ends quietly", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const child = cliCommand(["-p", "corp", "--list"], { home: tmp.path, env: aws.env }).spawn();
  await child.stdout.cancel(); // the reader is gone before aws-sso writes a line
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  assert.equal(stderr, "");
  assert.equal(status.code, 0);
});

Deno.test("aws-sso --list and the chooser show control characters of account names escaped", async () => {
  const { renderChooser } = await import("../../src/cli/role_chooser.ts");
  const hostile = "Prod\u001b]0;pwned\u0007\u001b[2J\u009b31m\tx\ny";
  await using aws = await startFakeAws({
    directory: {
      userName: "alice@example.com",
      accounts: [{
        accountId: "111111111111",
        accountName: hostile,
        emailAddress: "prod@example.com",
        roles: ["ReadOnly"],
      }],
    },
  });
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const result = await runCli(["-p", "corp", "--list"], { home: tmp.path, env: aws.env });
  assert.equal(result.code, 0, result.stderr);
  // One line, four tab-separated fields: the name's tab and line break cannot split it.
  assert.equal(
    result.stdout,
    "111111111111\tProd\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x09x\\x0ay\tReadOnly\t" +
      "arn:aws:iam::111111111111:role/ReadOnly\n",
  );
  const json = await runCli(["-p", "corp", "--list", "--json"], { home: tmp.path, env: aws.env });
  assert.equal(JSON.parse(json.stdout)[0].accountName, hostile, "JSON carries the name as it is");
  const rows = renderChooser(
    {
      items: [{ accountId: "111111111111", accountName: hostile, roleName: "ReadOnly" }],
      query: "",
      cursor: 0,
    },
    5,
    120,
  );
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(rows.join("\n"), /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
});
