/**
 * `-d`: a profile for every account and role, written into `~/.aws/config` without disturbing
 * anything else; botocore parses the result, boto3 and the AWS CLI v2 use it.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runFlags } from "../../src/cli/permissions.ts";
import { SsoError } from "../../src/errors.ts";
import { selfCommand, shellQuote } from "../../src/command_line.ts";
import { credentialProcessLine } from "../../src/cli/write_discovered_profiles.ts";
import { type FakeAws, sampleDirectory, startFakeAws } from "../../testing/mod.ts";
import { main } from "../../src/cli/main.ts";
import { snapshot, testRuntime, withTmpDir } from "../helpers.ts";
import { CLI, cliEnv, ROOT, runCli, writeSsoConfig } from "./_cli.ts";
import { awsCliIdentity, boto3Identity, botocoreProfiles, clientEnv, PYTHON } from "./_clients.ts";
import { assertIdentity, assertNoSecret, escapeRegExp } from "./_fixtures.ts";
import { issueSession } from "./_session.ts";

/** Profiles the user wrote: two with the names discovery wants, one discovered from elsewhere. */
const HAND_WRITTEN = `
# my own profiles: discovery must not touch them
[profile 222222222222-Developer]
credential_process = /usr/local/bin/my-tool dev
region = us-west-2

[profile 222222222222-ReadOnly]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile 999999999999-Old]
credential_process = aws-sso -p other -r arn:aws:iam::999999999999:role/Old -ext
aws_sso_discovered_from = other
`;

/** The `credential_process` line discovery should write for a role, under the fake `aws`. */
function expectedProcessLine(home: string, aws: FakeAws, accountId: string, role: string): string {
  const env = cliEnv({ home, env: aws.env });
  return [
    Deno.execPath(),
    "run",
    ...runFlags((name) => env[name], Deno.build.os),
    pathToFileURL(CLI).href,
    "-p",
    "corp",
    "-r",
    `arn:aws:iam::${accountId}:role/${role}`,
    "-ext",
  ].map(shellQuote).join(" ");
}

Deno.test("aws-sso -d writes a profile per role, idempotently, and prunes only its own", async (t) => {
  await using tmp = await withTmpDir();
  const home = tmp.path;
  const config = join(home, ".aws", "config");
  await using aws = await startFakeAws();
  await writeSsoConfig(home, aws.startUrl, HAND_WRITTEN);
  await issueSession(aws, home, "corp");
  const original = await Deno.readTextFile(config);
  let afterFirst = "";

  await t.step("first run adds the profiles and leaves the rest alone", async () => {
    const result = await runCli(["-p", "corp", "-d"], { home, env: aws.env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    assert.equal(
      result.stderr,
      `Wrote ${config}: 6 roles in 3 accounts; 4 added, 0 updated, 0 unchanged, 2 left alone ` +
        "(written by hand: 222222222222-Developer, 222222222222-ReadOnly)\n",
    );
    assertNoSecret(result.stderr, aws);
    afterFirst = await Deno.readTextFile(config);
    assert.ok(afterFirst.startsWith(original), "comments and other profiles kept byte for byte");
    const profiles = await botocoreProfiles(config);
    for (
      const [account, role] of [
        ["111111111111", "AdministratorAccess"],
        ["111111111111", "ReadOnly"],
        ["222222222222", "AdministratorAccess"],
        ["333333333333", "Developer"],
      ] as const
    ) {
      assert.deepEqual(profiles[`${account}-${role}`], {
        credential_process: expectedProcessLine(home, aws, account, role),
        region: "eu-west-1",
        aws_sso_discovered_from: "corp",
      });
    }
    assert.deepEqual(profiles["222222222222-Developer"], {
      credential_process: "/usr/local/bin/my-tool dev",
      region: "us-west-2",
    });
  });

  await t.step("a second run leaves the file byte-identical", async () => {
    const { mtime } = await Deno.stat(config);
    const result = await runCli(["-p", "corp", "-d"], { home, env: aws.env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `^No change to ${escapeRegExp(config)}: .*; 0 added, 0 updated, 4 unchanged, 2 left alone`,
      ),
    );
    assert.equal(await Deno.readTextFile(config), afterFirst);
    assert.deepEqual((await Deno.stat(config)).mtime, mtime, "not even rewritten");
  });

  // The directory shrinks: account 333333333333 and 111111111111/AdministratorAccess are gone.
  const smaller = sampleDirectory();
  smaller.accounts = smaller.accounts.filter((a) => a.accountId !== "333333333333");
  smaller.accounts[0]!.roles = ["ReadOnly"];
  await using aws2 = await startFakeAws({ directory: smaller });
  await issueSession(aws2, home, "corp");

  await t.step("without --prune, profiles no longer granted stay", async () => {
    const result = await runCli(["-p", "corp", "-d"], { home, env: aws2.env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /: 4 roles in 2 accounts; 0 added, 2 updated, 0 unchanged, 2 left/);
    const profiles = await botocoreProfiles(config);
    assert.ok(profiles["333333333333-Developer"]);
    assert.ok(profiles["111111111111-AdministratorAccess"]);
  });

  await t.step("--dry-run --prune prints the diff and changes nothing", async () => {
    const before = await Deno.readTextFile(config);
    const result = await runCli(["-p", "corp", "-d", "--prune", "--dry-run"], {
      home,
      env: aws2.env,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^-\[profile 333333333333-Developer\]$/m);
    assert.match(result.stdout, /^-\[profile 111111111111-AdministratorAccess\]$/m);
    assert.doesNotMatch(result.stdout, /^\+/m, "nothing to add");
    assert.match(result.stderr, /^Would write .*, 2 pruned/);
    assert.equal(await Deno.readTextFile(config), before);
  });

  await t.step("--prune removes only this SSO profile's stale profiles", async () => {
    const result = await runCli(["-p", "corp", "-d", "--prune"], { home, env: aws2.env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /0 added, 0 updated, 2 unchanged, 2 pruned, 2 left alone/);
    const text = await Deno.readTextFile(config);
    assert.ok(text.startsWith(original), "comments and hand-written profiles kept byte for byte");
    const profiles = await botocoreProfiles(config);
    assert.deepEqual(
      Object.keys(profiles).sort(),
      [
        "111111111111-ReadOnly",
        "222222222222-AdministratorAccess",
        "222222222222-Developer",
        "222222222222-ReadOnly",
        "999999999999-Old",
        "corp",
        "legacy",
      ],
    );
    assert.equal(
      profiles["111111111111-ReadOnly"]?.credential_process,
      expectedProcessLine(home, aws2, "111111111111", "ReadOnly"),
    );
  });

  const env = clientEnv(home, aws2);
  await t.step("the AWS CLI v2 uses a discovered profile", async () => {
    assertIdentity(
      await awsCliIdentity(env, aws2.url, { profile: "222222222222-AdministratorAccess" }),
      "222222222222",
      "AdministratorAccess",
      "AWS CLI v2",
    );
  });
  await t.step("boto3 uses a discovered profile", async () => {
    assertIdentity(
      await boto3Identity(env, aws2.url, { profile: "111111111111-ReadOnly" }),
      "111111111111",
      "ReadOnly",
      "boto3",
    );
  });
});

Deno.test("aws-sso -d --profile-name names profiles from a template; --dry-run shows them", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  const config = await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const original = await Deno.readTextFile(config);
  const args = ["-p", "corp", "-d", "--profile-name", "{account_name}-{role_name}"];

  await t.step("--dry-run", async () => {
    const result = await runCli([...args, "--dry-run"], { home: tmp.path, env: aws.env });
    assert.equal(result.code, 0, result.stderr);
    const added = result.stdout.split("\n").filter((l) => l.startsWith("+[profile "));
    assert.deepEqual(added, [
      "+[profile Production-AdministratorAccess]",
      "+[profile Production-ReadOnly]",
      "+[profile Staging-AdministratorAccess]",
      "+[profile Staging-Developer]",
      "+[profile Staging-ReadOnly]",
      "+[profile Sandbox-Developer]",
    ]);
    assert.doesNotMatch(result.stdout, /^-/m, "nothing removed");
    assert.match(result.stderr, /^Would write .*: 6 roles in 3 accounts; 6 added/);
    assert.equal(await Deno.readTextFile(config), original);
  });

  await t.step("written", async () => {
    const result = await runCli(args, { home: tmp.path, env: aws.env });
    assert.equal(result.code, 0, result.stderr);
    const profiles = await botocoreProfiles(config);
    assert.match(
      profiles["Staging-Developer"]!.credential_process!,
      / -r arn:aws:iam::222222222222:role\/Developer -ext$/,
    );
    assert.equal(profiles["Staging-Developer"]!.aws_sso_discovered_from, "corp");
  });

  await t.step("an unknown placeholder is a usage error", async () => {
    const result = await runCli(["-p", "corp", "-d", "--profile-name", "{account}-{role}"], {
      home: tmp.path,
      env: aws.env,
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^aws-sso: Invalid --profile-name: /);
  });
});

Deno.test("aws-sso -d never takes over a profile it did not write, even one with no credential_process", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  const config = await writeSsoConfig(
    tmp.path,
    aws.startUrl,
    "\n# assumes Ops from corp\n[profile Production-ReadOnly]\nrole_arn = arn:aws:iam::333333333333:role/Ops\n" +
      "source_profile = corp\nregion = sa-east-1\noutput = table\n",
  );
  await issueSession(aws, tmp.path, "corp");
  const original = await Deno.readTextFile(config);
  const args = ["-p", "corp", "-d", "--profile-name", "{account_name}-{role_name}"];
  for (const [name, extra] of [["-d", []], ["-d --prune", ["--prune"]]] as const) {
    await t.step(name, async () => {
      const result = await runCli([...args, ...extra], { home: tmp.path, env: aws.env });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /1 left alone \(written by hand: Production-ReadOnly\)/);
      const text = await Deno.readTextFile(config);
      assert.ok(text.startsWith(original), "the hand-written profile is kept byte for byte");
      const profiles = await botocoreProfiles(config);
      assert.deepEqual(profiles["Production-ReadOnly"], {
        role_arn: "arn:aws:iam::333333333333:role/Ops",
        source_profile: "corp",
        region: "sa-east-1",
        output: "table",
      });
    });
  }
});

Deno.test("aws-sso -d takes over a Python aws_sso line only for this SSO profile and that very role", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  const others = "\n[profile 111111111111-AdministratorAccess]\n" +
    "credential_process = aws-sso -p orgb -r arn:aws:iam::999999999999:role/Admin -ext\n" +
    "region = ap-southeast-2\n" +
    "\n[profile 222222222222-Developer]\n" +
    "credential_process = /opt/bin/my-aws-sso-mfa-wrapper.sh -p corp -r " +
    "arn:aws:iam::222222222222:role/Developer -ext\n" +
    "\n[profile 222222222222-AdministratorAccess]\n" +
    "credential_process = deno run -A /home/me/aws-sso/cli.ts -p corp -r " +
    "arn:aws:iam::222222222222:role/AdministratorAccess -ext\n" +
    "\n[profile 222222222222-ReadOnly]\n" +
    "credential_process = aws-sso -p corp -r arn:aws:iam::222222222222:role/Developer -ext\n";
  const python = "\n[profile 111111111111-ReadOnly]\n" +
    "credential_process = python3 -m aws_sso -p corp -r arn:aws:iam::111111111111:role/aws-reserved/" +
    "sso.amazonaws.com/AWSReservedSSO_ReadOnly_0123456789abcdef -ext\n" +
    "\n[profile 333333333333-Developer]\n" +
    "credential_process = C:\\\\bin\\\\aws-sso.exe -p=corp --account 333333333333 --role Developer\n";
  const config = await writeSsoConfig(tmp.path, aws.startUrl, others + python);
  await issueSession(aws, tmp.path, "corp");
  const original = await Deno.readTextFile(config);
  const result = await runCli(["-p", "corp", "-d"], { home: tmp.path, env: aws.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /2 updated.*4 left alone \(written by hand: 111111111111-AdministratorAccess, 222222222222-AdministratorAccess, 222222222222-Developer, …\)/,
  );
  const text = await Deno.readTextFile(config);
  assert.ok(text.includes(others), "another SSO profile's, wrappers' and another role's kept");
  assert.ok(!text.includes(python) && original.includes(python));
  const profiles = await botocoreProfiles(config);
  assert.equal(profiles["111111111111-ReadOnly"]?.aws_sso_discovered_from, "corp");
  assert.equal(profiles["333333333333-Developer"]?.aws_sso_discovered_from, "corp");
  assert.equal(
    profiles["111111111111-ReadOnly"]?.credential_process,
    expectedProcessLine(tmp.path, aws, "111111111111", "ReadOnly"),
  );
});

Deno.test("aws-sso -d says which roles it left out because their profile names collide", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const result = await runCli(["-p", "corp", "-d", "--profile-name", "{role_name}"], {
    home: tmp.path,
    env: aws.env,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /; 3 added, 0 updated, 0 unchanged;/);
  assert.match(
    result.stderr,
    /3 roles left out: their profile names are taken by other roles \(222222222222\/AdministratorAccess, 222222222222\/ReadOnly, 333333333333\/Developer\); add \{account_id\} to --profile-name/,
  );
  assert.doesNotMatch(result.stderr, /by hand/);
});

Deno.test("aws-sso -d started through mod.ts writes lines that run the CLI module", async () => {
  // `deno run -A jsr:@ssokit/aws-sso -p corp -d` (the README's first command) starts mod.ts; the
  // lines must call cli.ts, which loads only what a credential_process needs.
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  const config = await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "mod.ts"), "-p", "corp", "-d"],
    env: cliEnv({ home: tmp.path, env: aws.env }),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const profiles = await botocoreProfiles(config);
  assert.equal(
    profiles["111111111111-ReadOnly"]?.credential_process,
    expectedProcessLine(tmp.path, aws, "111111111111", "ReadOnly"),
  );
});

Deno.test("aws-sso -d lines may reach the endpoints the config names, and every partition", async (t) => {
  // `[services]` endpoint_url in the config file (no AWS_ENDPOINT_URL_* in the environment): the
  // written line's --allow-net must hold that host, or every call is refused under --no-prompt.
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  const endpoint = aws.url.replace("127.0.0.1", "localhost");
  const config = await writeSsoConfig(tmp.path, aws.startUrl);
  const text = await Deno.readTextFile(config);
  await Deno.writeTextFile(
    config,
    text.replace("[profile corp]\n", "[profile corp]\nservices = fake\n") +
      `\n[services fake]\nsso =\n  endpoint_url = ${endpoint}\nsso_oidc =\n  endpoint_url = ${endpoint}\n`,
  );
  await issueSession(aws, tmp.path, "corp");
  const env = { AWS_EC2_METADATA_DISABLED: "true" }; // no endpoint in the environment
  const run = await runCli(["-p", "corp", "-d"], { home: tmp.path, env, flags: ["-A"] });
  assert.equal(run.code, 0, run.stderr);
  const line = (await botocoreProfiles(config))["111111111111-ReadOnly"]!.credential_process!;
  await t.step("the written line works", async () => {
    const out = await new Deno.Command("sh", {
      args: ["-c", line],
      env: cliEnv({ home: tmp.path, env }),
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(JSON.parse(new TextDecoder().decode(out.stdout)).Version, 1);
  });
  await t.step("the ISO partitions' domains are allowed too", () => {
    for (const suffix of ["c2s.ic.gov", "sc2s.sgov.gov", "cloud.adc-e.uk", "csp.hci.ic.gov"]) {
      assert.match(line, new RegExp(`--allow-net=[^ ']*\\*\\.${suffix.replaceAll(".", "\\.")}`));
    }
  });
});

Deno.test("aws-sso -d --dry-run works where nothing can be written (it takes no lock)", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const before = await snapshot(tmp.path);
  const readOnly = () => Promise.reject(new Deno.errors.PermissionDenied("read-only file system"));
  const real = testRuntime({ home: tmp.path, env: aws.env });
  const rt = {
    ...real,
    fs: { ...real.fs, writeFile: readOnly, rename: readOnly, mkdir: readOnly, remove: readOnly },
  };
  assert.equal(await main(["-p", "corp", "-d", "--dry-run"], rt), 0, real.err());
  assert.match(real.out(), /^\+\[profile 111111111111-ReadOnly\]$/m);
  assert.deepEqual(await snapshot(tmp.path), before);
});

Deno.test("credential_process lines for Windows split back into their words as botocore's Windows splitter does", async (t) => {
  const vars: Record<string, string> = {
    USERPROFILE: "C:\\Users\\Me Too",
    AWS_CONFIG_FILE: "C:\\Users\\Me Too\\.aws\\config",
    AWS_SHARED_CREDENTIALS_FILE: 'D:\\odd "dir"\\creds\\',
  };
  const profile = { profileName: "R&D (eu)", startUrl: "https://x", ssoRegion: "eu-west-1" };
  const role = { accountId: "111111111111", roleName: "ReadOnly" };
  const programs = {
    "deno run": {
      execPath: "C:\\Program Files\\deno\\deno.exe",
      mainModule: "file:///C:/Users/Me%20Too/aws-sso/cli.ts",
      standalone: false,
    },
    "the compiled binary": {
      execPath: "C:\\Program Files\\aws-sso\\",
      mainModule: "",
      standalone: true,
    },
  };
  for (const [name, program] of Object.entries(programs)) {
    await t.step(name, async () => {
      const base = testRuntime({ home: "/nonexistent" });
      const rt = { ...base, os: "windows" as const, env: (n: string) => vars[n], program };
      const flags = runFlags(rt.env, "windows", { endpoints: [] });
      const line = credentialProcessLine(rt, profile, role, flags);
      const words = await windowsSplit(line);
      assert.deepEqual(words, [
        ...selfCommand(program, flags),
        "-p",
        "R&D (eu)",
        "-r",
        "arn:aws:iam::111111111111:role/ReadOnly",
        "-ext",
      ]);
      // The JS SDK runs the line through cmd.exe: its & ( ) must be inside double quotes.
      assert.ok(line.includes(' "R&D (eu)" '), line);
      assert.ok(!line.includes("'"), "cmd.exe and the Windows splitter take no single quotes");
    });
  }
});

Deno.test("a credential_process line for Windows refuses a profile name with a double quote (cmd.exe would run what follows)", () => {
  const rt = { ...testRuntime({ home: "/nonexistent" }), os: "windows" as const };
  const profile = { profileName: 'a"b & calc', startUrl: "https://x", ssoRegion: "eu-west-1" };
  assert.throws(
    () => credentialProcessLine(rt, profile, { accountId: "111111111111", roleName: "R" }, []),
    (err: unknown) =>
      err instanceof SsoError && err.code === "USAGE" && /"a\\"b & calc"/.test(err.message),
  );
});

/** botocore's `_windows_shell_split`, which botocore and the AWS CLI use on Windows. */
async function windowsSplit(line: string): Promise<string[]> {
  const out = await new Deno.Command(PYTHON, {
    args: [
      "-c",
      "import json, sys\nfrom botocore.compat import _windows_shell_split\n" +
      "print(json.dumps(_windows_shell_split(sys.argv[1])))",
      line,
    ],
    stderr: "inherit",
  }).output();
  assert.equal(out.code, 0);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("aws-sso -d counts a profile whose keys it respells as updated, then unchanged", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  const line = expectedProcessLine(tmp.path, aws, "111111111111", "ReadOnly");
  const config = await writeSsoConfig(
    tmp.path,
    aws.startUrl,
    `\n[profile 111111111111-ReadOnly]\nCredential_Process : ${line}\nREGION = eu-west-1\n` +
      "AWS_SSO_DISCOVERED_FROM : corp\n",
  );
  await issueSession(aws, tmp.path, "corp");
  const run = () => runCli(["-p", "corp", "-d"], { home: tmp.path, env: aws.env });
  const first = await run();
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /5 added, 1 updated, 0 unchanged/);
  assert.match(
    await Deno.readTextFile(config),
    /\[profile 111111111111-ReadOnly\]\ncredential_process = .*\nregion = eu-west-1\naws_sso_discovered_from = corp\n/,
  );
  const second = await run();
  assert.match(second.stderr, /0 added, 0 updated, 6 unchanged/);
});

Deno.test("aws-sso -d --prune removes only what it wrote: a hand-written twin and the lines after stay", async () => {
  await using tmp = await withTmpDir();
  const home = tmp.path;
  const config = join(home, ".aws", "config");
  await using aws = await startFakeAws();
  // The user's own [profile "999999999999-Old"] (the JS SDK merges it with the generated twin of
  // the same name), and a modeline closing the file after the generated profile.
  const mine = `\n[profile "999999999999-Old"]\nrole_arn = arn:aws:iam::999999999999:role/Old\n` +
    `source_profile = corp\n`;
  const generated =
    `\n[profile 999999999999-Old]\ncredential_process = aws-sso -p corp -r x -ext\n` +
    `aws_sso_discovered_from = corp\n`;
  const end = "\n# --- end of generated profiles ---\n\n# vim: set ft=dosini:\n";
  await writeSsoConfig(home, aws.startUrl, mine + generated + end);
  await issueSession(aws, home, "corp");
  const original = await Deno.readTextFile(config);
  const result = await runCli(["-p", "corp", "-d", "--prune"], { home, env: aws.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /, 1 pruned/);
  const text = await Deno.readTextFile(config);
  const kept = original.slice(0, original.indexOf(generated));
  assert.ok(text.startsWith(kept), "everything before the generated profile, byte for byte");
  assert.ok(!text.includes("[profile 999999999999-Old]"), text);
  assert.ok(text.includes(end), "the comments after it, with their blank lines");
  const profiles = await botocoreProfiles(config);
  assert.deepEqual(profiles["999999999999-Old"], {
    role_arn: "arn:aws:iam::999999999999:role/Old",
    source_profile: "corp",
  });
});

Deno.test("aws-sso -d says when --profile-name gives the SSO profile's own name", async () => {
  await using tmp = await withTmpDir();
  await using aws = await startFakeAws();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const result = await runCli(["-p", "corp", "-d", "--profile-name", "corp", "--dry-run"], {
    home: tmp.path,
    env: aws.env,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /; 6 roles left out: their profile name is that of the SSO profile corp itself \(.*\); change --profile-name/,
  );
  assert.doesNotMatch(result.stderr, /taken by other roles/);
});

Deno.test("aws-sso -d reads a credential_process line's flags as the CLI reads them", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  // The CLI runs profile "other" for the first line (the last -p wins, --prof abbreviates
  // --profile), and corp's Developer for the second (--role ARN is the Python tool's --rolearn).
  const other = "\n[profile 111111111111-ReadOnly]\n" +
    "credential_process = aws-sso -p corp -r arn:aws:iam::111111111111:role/ReadOnly --prof other -ext\n";
  const python = "\n[profile 222222222222-Developer]\n" +
    "credential_process = python3 -m aws_sso --profile corp --role " +
    "arn:aws:iam::222222222222:role/Developer --ext\n" +
    "\n[profile 333333333333-Developer]\n" +
    "credential_process = /usr/bin/env python3 -m aws_sso -p corp -r " +
    "arn:aws:iam::333333333333:role/Developer -ext\n";
  // Settings for the run (another config file, a CA bundle) would be lost in a taken-over line.
  const withSettings = "\n[profile 222222222222-ReadOnly]\n" +
    "credential_process = env AWS_CONFIG_FILE=/home/me/other-config python3 -m aws_sso -p corp " +
    "-r arn:aws:iam::222222222222:role/ReadOnly -ext\n";
  const config = await writeSsoConfig(tmp.path, aws.startUrl, other + python + withSettings);
  await issueSession(aws, tmp.path, "corp");
  const result = await runCli(["-p", "corp", "-d"], { home: tmp.path, env: aws.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /2 left alone \(written by hand: 111111111111-ReadOnly, 222222222222-ReadOnly\)/,
  );
  const text = await Deno.readTextFile(config);
  assert.ok(text.includes(other), "the line for another SSO profile is kept");
  assert.ok(text.includes(withSettings), "the line with settings for its run is kept");
  assert.ok(!text.includes(python), "the Python tool's lines for these roles are taken over");
});

Deno.test("aws-sso -d names the profiles that still run the Python aws_sso", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  // A hand-named profile, and one the Python tool misnamed (its lstrip("role/") ate "re" of
  // "release-manager"): neither name is one discovery writes, so both stay as they are.
  const python = "\n[profile prod-admin]\n" +
    "credential_process = python3 -m aws_sso -p corp -r " +
    "arn:aws:iam::111111111111:role/AdministratorAccess -ext\n" +
    "\n[profile 111111111111-lease-manager]\n" +
    "credential_process = python3 -m aws_sso -p corp -r " +
    "arn:aws:iam::111111111111:role/release-manager -ext\n";
  const config = await writeSsoConfig(tmp.path, aws.startUrl, python);
  await issueSession(aws, tmp.path, "corp");
  const result = await runCli(["-p", "corp", "-d"], { home: tmp.path, env: aws.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /; 2 profiles still run the Python aws_sso \(prod-admin, 111111111111-lease-manager\): point them at aws-sso or remove them/,
  );
  assert.ok((await Deno.readTextFile(config)).includes(python), "left as they are");
});
