import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeAws } from "../../testing/mod.ts";
import { loadSsoProfile } from "../../src/config/load_sso_profile.ts";
import { logout } from "../../src/token/logout.ts";
import { writeCachedRoleCredentials } from "../../src/portal/role_credentials_cache.ts";
import { testRuntime, withTmpDir } from "../helpers.ts";
import { writeSsoConfig } from "../e2e/_cli.ts";
import { issueSession } from "../e2e/_session.ts";

Deno.test("logout() removes the session's cached role credentials and keeps the others", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  const tokenPath = await issueSession(aws, tmp.path, "corp");
  const runtime = testRuntime({ home: tmp.path, env: aws.env });
  const profile = await loadSsoProfile(runtime, "corp");
  const creds = {
    accessKeyId: "ASIAEXAMPLE",
    secretAccessKey: "secret",
    sessionToken: "token",
    expiration: Date.now() + 3_600_000,
    accountId: "111111111111",
    roleName: "ReadOnly",
  };
  await writeCachedRoleCredentials(runtime, profile, creds);
  const cache = join(tmp.path, ".aws", "cli", "cache");
  const ours = (await Array.fromAsync(Deno.readDir(cache))).map((e) => e.name);
  assert.equal(ours.length, 1);
  // Another IdC instance's entry, an AWS CLI entry (no StartUrl) and an assume-role entry.
  await Deno.writeTextFile(
    join(cache, "other.json"),
    JSON.stringify({
      ProviderType: "sso",
      StartUrl: "https://other.awsapps.com/start",
      Credentials: {},
    }),
  );
  await Deno.writeTextFile(
    join(cache, "cli.json"),
    JSON.stringify({ ProviderType: "sso", Credentials: {} }),
  );
  await Deno.writeTextFile(join(cache, "assume.json"), JSON.stringify({ Credentials: {} }));

  assert.equal(await logout(runtime, profile), true);
  const left = (await Array.fromAsync(Deno.readDir(cache))).map((e) => e.name).sort();
  assert.deepEqual(left, ["assume.json", "other.json"]);
  await assert.rejects(Deno.stat(tokenPath), Deno.errors.NotFound);
  assert.equal(aws.counters.logout, 1);
});
