/**
 * The AWS SDK clients' CommonJS build loads `@smithy/node-http-handler` (and with it `node:http`,
 * `node:https` and `node:http2`) for a handler aws-sso replaces with `fetch`. aws-sso keeps it from
 * loading: these runs use a copy of Deno's npm cache in which that package throws when loaded.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { runCli, writeSsoConfig } from "./_cli.ts";
import { issueSession } from "./_session.ts";

const ARGS = ["-p", "corp", "-r", "arn:aws:iam::111111111111:role/ReadOnly", "-ext"];

/** Deno's npm cache folder, as `deno info` names it. */
async function npmCache(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).npmCache;
}

/** Copies `from` into `to` (a new folder). */
async function copyTree(from: string, to: string): Promise<void> {
  const cp = await new Deno.Command("cp", { args: ["-R", from, to] }).output();
  assert.equal(cp.code, 0, new TextDecoder().decode(cp.stderr));
}

/** Makes every copy of `@smithy/node-http-handler` under the npm cache `root` throw on load. */
async function poisonNodeHttpHandler(root: string): Promise<number> {
  const dir = join(root, "registry.npmjs.org", "@smithy", "node-http-handler");
  let poisoned = 0;
  for await (const version of Deno.readDir(dir)) {
    if (!version.isDirectory) continue;
    const main = join(dir, version.name, "dist-cjs", "index.js");
    await Deno.writeTextFile(main, `throw new Error("@smithy/node-http-handler was loaded");\n`);
    poisoned++;
  }
  return poisoned;
}

Deno.test({
  name: "the portal and OIDC clients never load @smithy/node-http-handler",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using aws = await startFakeAws();
    await using home = await withTmpDir();
    await using denoDir = await withTmpDir();
    await copyTree(await npmCache(), join(denoDir.path, "npm"));
    assert.ok(await poisonNodeHttpHandler(join(denoDir.path, "npm")) > 0);
    await writeSsoConfig(home.path, aws.startUrl);
    const opts = {
      home: home.path,
      env: { ...aws.env, DENO_DIR: denoDir.path },
      denoOptions: ["--cached-only"],
    };

    // The copy is used, and the poison bites: an SDK client built as it comes loads the package.
    const probe = join(home.path, "probe.ts");
    await Deno.writeTextFile(
      probe,
      `import { SSOClient } from "@aws-sdk/client-sso";\nnew SSOClient({ region: "us-east-1" });\n`,
    );
    const plain = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--cached-only",
        "--config",
        join(import.meta.dirname!, "../../deno.json"),
        probe,
      ],
      env: { DENO_DIR: denoDir.path, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.notEqual(plain.code, 0);
    assert.match(new TextDecoder().decode(plain.stderr), /node-http-handler was loaded/);

    // The refresh (OIDC client), then the role credentials (portal client), under the scoped flags.
    await issueSession(aws, home.path, "corp", { expiresInMs: -60_000 });
    const cold = await runCli(ARGS, opts);
    assert.equal(cold.code, 0, cold.stderr);
    assert.equal(JSON.parse(cold.stdout).Version, 1);
    assert.equal(aws.counters.createToken.refresh_token, 1);
    assert.equal(aws.counters.getRoleCredentials, 1);

    // Discovery: both portal calls, paged.
    const discovery = await runCli(["-p", "corp", "-d"], opts);
    assert.equal(discovery.code, 0, discovery.stderr);
    assert.ok(aws.counters.listAccountRoles > 0);

    // Without a lockfile (a jsr: run, an installed command), npm packages resolve only as the
    // client loads: the same again.
    await Deno.remove(join(home.path, ".aws", "cli", "cache"), { recursive: true });
    const noLock = await runCli(ARGS, {
      ...opts,
      denoOptions: ["--cached-only", "--no-lock"],
    });
    assert.equal(noLock.code, 0, noLock.stderr);
    assert.equal(aws.counters.getRoleCredentials, 2);
  },
});
