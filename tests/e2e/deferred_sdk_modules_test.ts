/**
 * The AWS SDK clients' CommonJS build loads modules that aws-sso's calls never use:
 * `@smithy/node-http-handler` (and with it `node:http`, `node:https` and `node:http2`) for a
 * handler aws-sso replaces with `fetch`, `@smithy/core/checksum` (and `node:zlib`) for checksums
 * and signing the portal and OIDC calls do without, and `node:crypto`, `node:fs` and
 * `node:fs/promises` for hashing and file bodies. aws-sso leaves them unloaded: these runs preload
 * a recorder of every real load of them (`_record_requires.ts`).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { runCli, writeSsoConfig } from "./_cli.ts";
import { issueSession } from "./_session.ts";

const ARGS = ["-p", "corp", "-r", "arn:aws:iam::111111111111:role/ReadOnly", "-ext"];
const RECORDER = join(import.meta.dirname!, "_record_requires.ts");
const ALL = [
  "@aws-sdk/xml-builder",
  "@smithy/core/checksum",
  "@smithy/node-http-handler",
  "@smithy/signature-v4",
  "node:crypto",
  "node:fs",
  "node:fs/promises",
  "node:zlib",
];

/** The watched modules a run loaded, from the recorder's line on stderr. */
function required(stderr: string): string[] {
  const line = stderr.split("\n").find((l) => l.startsWith("required: "));
  assert.ok(line, `no recorder line in: ${stderr}`);
  return line.slice("required: ".length).split(",").filter((m) => m !== "");
}

Deno.test({
  name: "the portal and OIDC clients load without the SDK modules their calls never use",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using aws = await startFakeAws();
    await using home = await withTmpDir();
    await writeSsoConfig(home.path, aws.startUrl);
    const opts = { home: home.path, env: aws.env, denoOptions: [`--preload=${RECORDER}`] };

    // The recorder sees them all when an SDK client is built and called as it comes.
    const probe = join(home.path, "probe.ts");
    await Deno.writeTextFile(
      probe,
      `import { GetRoleCredentialsCommand, SSOClient } from "@aws-sdk/client-sso";\n` +
        `const c = new SSOClient({ region: "us-east-1", endpoint: ${
          JSON.stringify(aws.env.AWS_ENDPOINT_URL_SSO)
        } });\n` +
        `await c.send(new GetRoleCredentialsCommand({ accessToken: "x", accountId: "1", roleName: "r" })).catch(() => {});\n`,
    );
    const plain = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `--preload=${RECORDER}`,
        "--config",
        join(import.meta.dirname!, "../../deno.json"),
        probe,
      ],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(plain.code, 0, new TextDecoder().decode(plain.stderr));
    assert.deepEqual(required(new TextDecoder().decode(plain.stderr)), ALL);

    const probed = aws.counters.getRoleCredentials;

    // The refresh (OIDC client), then the role credentials (portal client), under the scoped flags.
    await issueSession(aws, home.path, "corp", { expiresInMs: -60_000 });
    const cold = await runCli(ARGS, opts);
    assert.equal(cold.code, 0, cold.stderr);
    assert.equal(JSON.parse(cold.stdout).Version, 1);
    assert.equal(aws.counters.createToken.refresh_token, 1);
    assert.equal(aws.counters.getRoleCredentials, probed + 1);
    assert.deepEqual(required(cold.stderr), []);

    // Discovery: both portal calls, paged.
    const discovery = await runCli(["-p", "corp", "-d"], opts);
    assert.equal(discovery.code, 0, discovery.stderr);
    assert.ok(aws.counters.listAccountRoles > 0);
    assert.deepEqual(required(discovery.stderr), []);

    // Without a lockfile (a jsr: run, an installed command), npm packages resolve only as the
    // client loads: the same again.
    await Deno.remove(join(home.path, ".aws", "cli", "cache"), { recursive: true });
    const noLock = await runCli(ARGS, {
      ...opts,
      denoOptions: [...opts.denoOptions, "--no-lock"],
    });
    assert.equal(noLock.code, 0, noLock.stderr);
    assert.equal(aws.counters.getRoleCredentials, probed + 2);
    assert.deepEqual(required(noLock.stderr), []);
  },
});
