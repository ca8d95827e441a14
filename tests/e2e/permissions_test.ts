/**
 * The permission flags of `src/cli/permissions.ts` are the single source of truth: the compile
 * task, the e2e harness and the `credential_process` lines all use them; a file outside them is
 * refused with one clear line, never a prompt or a stack.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { permissionFlags, runFlags } from "../../src/cli/permissions.ts";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import { CLI, cliArgs, cliEnv, ROOT, runCli, writeSsoConfig } from "./_cli.ts";
import { assertCleanFailure, ROLE_ARN } from "./_fixtures.ts";
import { issueSession } from "./_session.ts";

/** An environment with every variable that widens the flags. */
function userEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    PATH: "/usr/bin:/bin",
    DENO_DIR: cliEnv({ home }).DENO_DIR!,
    AWS_CONFIG_FILE: join(home, "work", "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: "~/secrets/credentials",
    AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:4567",
    BROWSER: "firefox --new-window",
  };
}

Deno.test("deno task compile builds its flags with permissionFlags()", async () => {
  await using tmp = await withTmpDir();
  const env = userEnv(tmp.path);
  // An endpoint the config names (not the environment) is reachable from the binary too.
  await Deno.mkdir(join(tmp.path, "work"));
  await Deno.writeTextFile(
    env.AWS_CONFIG_FILE!,
    "[profile corp]\nsso_session = corp\nservices = mine\n" +
      "[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n" +
      "[services mine]\nsso_oidc =\n  endpoint_url = https://oidc.proxy.example:8443\n",
  );
  // An option deno compile rejects stops it before it builds or downloads anything; the script
  // has printed its command line by then.
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "scripts/compile.ts", "--not-a-deno-option"],
    cwd: ROOT,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.notEqual(out.code, 0);
  const printed = stderr.split("\n")[0]!;
  const expected = permissionFlags((name) => env[name], Deno.build.os, [
    "https://oidc.proxy.example:8443",
  ]);
  assert.equal(
    printed,
    ["deno", "compile", ...expected, "--output", "dist/aws-sso", "--not-a-deno-option", "cli.ts"]
      .join(" "),
  );
  assert.ok(
    expected.includes(`--allow-read=${tmp.path}/.aws,${tmp.path}/work,${tmp.path}/secrets`),
  );
  assert.ok(
    expected.some((f) =>
      f.startsWith("--allow-net=") && f.endsWith(",127.0.0.1:4567,oidc.proxy.example:8443")
    ),
  );
  assert.ok(expected.some((f) => f.startsWith("--allow-run=") && f.endsWith(",firefox")));
  await assert.rejects(Deno.stat(join(ROOT, "dist", "aws-sso")), Deno.errors.NotFound);
});

Deno.test("runFlags() are permissionFlags() plus lazy SDK loading and reading aws-sso's own source", () => {
  const env = userEnv("/home/ann");
  const get = (name: string) => env[name];
  const base = permissionFlags(get, "linux");
  const read = base.find((f) => f.startsWith("--allow-read="))!;

  const local = runFlags(get, "linux", { sourceRoot: "file:///opt/aws-sso/" });
  assert.deepEqual(
    local,
    base.toSpliced(2, 0, "--unstable-lazy-dynamic-imports")
      .map((f) => f === read ? `${read},/opt/aws-sso` : f),
  );
  // From JSR the modules are fetched, not read: no folder is added.
  const jsr = runFlags(get, "linux", { sourceRoot: "https://jsr.io/@ssokit/aws-sso/0.1.0/" });
  assert.deepEqual(jsr, base.toSpliced(2, 0, "--unstable-lazy-dynamic-imports"));
  // By default: the folder this checkout is in.
  assert.ok(runFlags(get, "linux").includes(`${read},${ROOT}`));
});

Deno.test("the e2e harness runs the CLI under exactly runFlags()", () => {
  const env = { AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:4567" };
  const options = { home: "/home/ann", env };
  const vars = cliEnv(options);
  assert.deepEqual(cliArgs(["-p", "corp"], options), [
    "run",
    ...runFlags((name) => vars[name], Deno.build.os),
    CLI,
    "-p",
    "corp",
  ]);
  assert.ok(
    !cliArgs([], options).some((a) => /^-A$|^--allow-all$|^--allow-\w+$/.test(a)),
    "no blanket permission",
  );
});

Deno.test("a file outside the permitted folders fails with one Permission denied line", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const outside = join(tmp.path, "elsewhere");
  await Deno.mkdir(outside);
  const narrowEnv = cliEnv({ home: tmp.path, env: aws.env });
  // The flags as they would be without the variable: ~/.aws only.
  const flags = runFlags((name) => narrowEnv[name], Deno.build.os);

  await t.step("AWS_SHARED_CREDENTIALS_FILE", async () => {
    const credentials = join(outside, "credentials");
    const result = await runCli(["-p", "corp", "-r", ROLE_ARN], {
      home: tmp.path,
      env: { ...aws.env, AWS_SHARED_CREDENTIALS_FILE: credentials },
      flags,
    });
    assertCleanFailure(result, 1, /^aws-sso: Permission denied: .*elsewhere/, aws);
    assert.match(result.stderr, /^hint: .*may only touch ~\/\.aws/m);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(outside)), [], "nothing written there");
  });

  await t.step("AWS_CONFIG_FILE", async () => {
    const config = join(outside, "config");
    await Deno.copyFile(join(tmp.path, ".aws", "config"), config);
    const result = await runCli(["-p", "corp", "-r", ROLE_ARN, "-ext"], {
      home: tmp.path,
      env: { ...aws.env, AWS_CONFIG_FILE: config },
      flags,
    });
    assertCleanFailure(result, 1, /^aws-sso: Permission denied: .*elsewhere\/config/, aws);
  });

  await t.step("with the variable in the flags, the same run works", async () => {
    const credentials = join(outside, "credentials");
    const result = await runCli(["-p", "corp", "-r", ROLE_ARN], {
      home: tmp.path,
      env: { ...aws.env, AWS_SHARED_CREDENTIALS_FILE: credentials },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(await Deno.readTextFile(credentials), /^\[default\]\naws_access_key_id = ASIA/);
  });
});

Deno.test("symlinks under the flags: a linked ~/.aws, and config and credentials linked elsewhere", async (t) => {
  for (const layout of ["~/.aws is a link", "config and credentials are links"] as const) {
    await t.step(layout, async () => {
      await using aws = await startFakeAws();
      await using tmp = await withTmpDir();
      const home = join(tmp.path, "home");
      const data = join(tmp.path, "dotfiles", "aws");
      await Deno.mkdir(home);
      await writeSsoConfig(data.replace(/\/aws$/, ""), aws.startUrl); // dotfiles/.aws/config
      await Deno.rename(join(tmp.path, "dotfiles", ".aws"), data);
      await Deno.writeTextFile(join(data, "credentials"), "[work]\naws_access_key_id = AKIAX\n");
      if (layout === "~/.aws is a link") {
        await Deno.symlink(data, join(home, ".aws"));
      } else {
        await Deno.mkdir(join(home, ".aws"));
        await Deno.symlink(join(data, "config"), join(home, ".aws", "config"));
        await Deno.symlink(join(data, "credentials"), join(home, ".aws", "credentials"));
      }
      // A session about to expire: -ext refreshes it, rewriting the token file.
      await issueSession(aws, home, "corp", { expiresInMs: 5 * 60_000 });
      const run = (args: string[]) => runCli(["-p", "corp", ...args], { home, env: aws.env });
      for (const args of [["-r", ROLE_ARN, "-ext"], ["-r", ROLE_ARN], ["-r", ROLE_ARN], ["-d"]]) {
        const result = await run(args);
        assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
      }
      assert.equal(aws.counters.createToken.refresh_token, 1);
      assert.match(
        await Deno.readTextFile(join(data, "credentials")),
        /^\[work\]\naws_access_key_id = AKIAX\n\n\[default\]\naws_access_key_id = ASIA/,
      );
      assert.match(await Deno.readTextFile(join(data, "config")), /aws_sso_discovered_from = corp/);
      const links = layout === "~/.aws is a link" ? [".aws"] : [".aws/config", ".aws/credentials"];
      for (const link of links) {
        assert.ok((await Deno.lstat(join(home, link))).isSymlink, `${link} is still a link`);
      }
    });
  }
});
