/**
 * The role-credential cache is the AWS CLI's own (`~/.aws/cli/cache`, spec §4): what aws-sso
 * caches, the AWS CLI v2 and botocore serve without asking the portal, and what botocore caches,
 * aws-sso serves. Entries are 0600 in a 0700 folder, reused until 15 minutes before they expire,
 * and a corrupt entry or one of another IdC instance is never served.
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { loadSsoProfile } from "../../src/config/load_sso_profile.ts";
import { roleCachePath } from "../../src/portal/role_credentials_cache.ts";
import { startFakeAws } from "../../testing/mod.ts";
import { testRuntime, withTmpDir } from "../helpers.ts";
import { python } from "../token/_python.ts";
import { runCli, writeSsoConfig } from "./_cli.ts";
import { AWS_CLI_V2 } from "./_clients.ts";
import { ROLE_ARN } from "./_fixtures.ts";
import { issueSession } from "./_session.ts";

const EXT = ["-p", "corp", "-r", ROLE_ARN, "-ext"];
const MIN = 60_000;
/** A profile the AWS CLI and botocore resolve through the same session and role. */
const READONLY = `\n[profile corp-readonly]\nsso_session = corp\nsso_account_id = 111111111111\n` +
  `sso_role_name = ReadOnly\n`;

/** The cache file of `corp`'s ReadOnly role in `home`. */
async function cacheFile(home: string): Promise<string> {
  const rt = testRuntime({ home });
  return roleCachePath(
    await loadSsoProfile(rt, "corp"),
    { accountId: "111111111111", roleName: "ReadOnly" },
    rt.env,
  );
}

/** A fake AWS, a HOME signed in to it, and the (empty) cache folder of corp's ReadOnly role. */
async function signedIn() {
  const aws = await startFakeAws();
  const tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const file = await cacheFile(tmp.path);
  await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  return {
    aws,
    tmp,
    file,
    async [Symbol.asyncDispose]() {
      await tmp[Symbol.asyncDispose]();
      await aws[Symbol.asyncDispose]();
    },
  };
}

/** An entry as botocore's SSOCredentialFetcher writes it (`Expiration` ends in `UTC`). */
function botocoreEntry(accessKeyId: string, expiresAt: number): string {
  const expiration = new Date(expiresAt).toISOString().replace(/\.\d+Z$/, "UTC");
  return JSON.stringify({
    ProviderType: "sso",
    Credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: "cached/secret/key",
      SessionToken: "cached-session-token",
      Expiration: expiration,
    },
  });
}

Deno.test("aws-sso caches role credentials where the AWS CLI and botocore find and serve them", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  const config = await writeSsoConfig(tmp.path, aws.startUrl, READONLY);
  await issueSession(aws, tmp.path, "corp");

  const run = await runCli(EXT, { home: tmp.path, env: aws.env });
  assert.equal(run.code, 0, run.stderr);
  const ours = JSON.parse(run.stdout);
  assert.equal(aws.counters.getRoleCredentials, 1);

  const file = await cacheFile(tmp.path);
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(dirname(file))).mode! & 0o777, 0o700);
  assert.equal((await Deno.stat(dirname(dirname(file)))).mode! & 0o777, 0o700);

  // botocore's SSO provider with the cache the AWS CLI gives it (plain boto3 keeps its own in
  // ~/.aws/boto/cache): it reads the cache first and never reaches the portal (it could not: AWS
  // is not reachable here, and it has no endpoint override).
  const botocore = await python(
    `import json, os, botocore.session
from botocore.utils import JSONFileCache
s = botocore.session.Session(profile="corp-readonly")
s.get_component("credential_provider").get_provider("sso").cache = JSONFileCache(
    os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
c = s.get_credentials().get_frozen_credentials()
print(json.dumps({"AccessKeyId": c.access_key, "SecretAccessKey": c.secret_key, "SessionToken": c.token}))`,
    [],
    { HOME: tmp.path, AWS_CONFIG_FILE: config },
  ) as Record<string, string>;
  assert.deepEqual(botocore, {
    AccessKeyId: ours.AccessKeyId,
    SecretAccessKey: ours.SecretAccessKey,
    SessionToken: ours.SessionToken,
  });

  const cli = await new Deno.Command(AWS_CLI_V2, {
    args: ["configure", "export-credentials", "--profile", "corp-readonly"],
    env: { HOME: tmp.path, PATH: "/usr/bin:/bin", AWS_EC2_METADATA_DISABLED: "true" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(cli.code, 0, dec.decode(cli.stderr));
  const exported = JSON.parse(dec.decode(cli.stdout));
  assert.equal(exported.AccessKeyId, ours.AccessKeyId);
  assert.equal(exported.SessionToken, ours.SessionToken);
  assert.equal(aws.counters.getRoleCredentials, 1, "neither asked the portal");
});

Deno.test("aws-sso serves an entry botocore wrote, until 15 minutes before it expires", async (t) => {
  await using env = await signedIn();
  const { aws, tmp, file } = env;

  // botocore names the file: its own SSOCredentialFetcher computes the key.
  const key = await python(
    `import json, sys
from botocore.credentials import SSOCredentialFetcher
f = SSOCredentialFetcher(sys.argv[1], "us-east-1", "ReadOnly", "111111111111", None, None, sso_session_name="corp")
print(json.dumps(f._create_cache_key()))`,
    [aws.startUrl],
  );
  assert.equal(join(dirname(file), `${key}.json`), file);

  await t.step("16 minutes left: served as it is, no portal call", async () => {
    await Deno.writeTextFile(file, botocoreEntry("ASIABOTOCORE16MIN", Date.now() + 16 * MIN), {
      mode: 0o600,
    });
    const run = await runCli(EXT, { home: tmp.path, env: aws.env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).AccessKeyId, "ASIABOTOCORE16MIN");
    assert.equal(aws.counters.getRoleCredentials, 0);
  });

  await t.step("14 minutes left: renewed from the portal and cached again", async () => {
    await Deno.writeTextFile(file, botocoreEntry("ASIABOTOCORE14MIN", Date.now() + 14 * MIN));
    const run = await runCli(EXT, { home: tmp.path, env: aws.env });
    assert.equal(run.code, 0, run.stderr);
    const served = JSON.parse(run.stdout);
    assert.notEqual(served.AccessKeyId, "ASIABOTOCORE14MIN");
    assert.equal(aws.counters.getRoleCredentials, 1);
    assert.equal(
      JSON.parse(await Deno.readTextFile(file)).Credentials.AccessKeyId,
      served.AccessKeyId,
    );
  });
});

Deno.test("aws-sso never serves a corrupt entry or one of another IdC instance", async (t) => {
  await using env = await signedIn();
  const { aws, tmp, file } = env;
  const cases: [string, string][] = [
    ["cut short", botocoreEntry("ASIACUT", Date.now() + 60 * MIN).slice(0, 50)],
    ["not JSON", "\u0000\u0001garbage"],
    [
      "another provider",
      botocoreEntry("ASIAOTHER", Date.now() + 60 * MIN).replace('"sso"', '"assume-role"'),
    ],
    [
      // Same session name, another instance: botocore's key is the same file, so the start URL
      // aws-sso records in the entry is what keeps the two apart.
      "another IdC instance",
      JSON.stringify({
        ...JSON.parse(botocoreEntry("ASIAOTHERIDC", Date.now() + 60 * MIN)),
        StartUrl: "https://d-other00000.awsapps.com/start",
      }),
    ],
  ];
  for (const [i, [name, text]] of cases.entries()) {
    await t.step(name, async () => {
      await Deno.writeTextFile(file, text, { mode: 0o600 }); // as botocore writes them
      const run = await runCli(EXT, { home: tmp.path, env: aws.env });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, "");
      assert.match(JSON.parse(run.stdout).AccessKeyId, /^ASIA/);
      assert.doesNotMatch(run.stdout, /CUT|OTHER/);
      assert.equal(aws.counters.getRoleCredentials, i + 1, "asked the portal");
      const replaced = JSON.parse(await Deno.readTextFile(file));
      assert.equal(replaced.StartUrl, aws.startUrl, "replaced by a whole entry of this instance");
    });
  }
});
