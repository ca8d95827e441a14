import assert from "node:assert/strict";
import { join } from "node:path";
// Not in deno.json: only this test needs the JS SDK's own credential_process reader.
import { fromProcess } from "npm:@aws-sdk/credential-provider-process@^3";
import { renderProcess } from "../../src/render/render_process.ts";
import type { RoleCredentials } from "../../src/role_credentials.ts";
import { withTmpDir } from "../helpers.ts";
import { runPython } from "./_interop.ts";

const EXP = Date.UTC(2026, 10, 25, 19, 0, 0);
const CREDS: RoleCredentials = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE12",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE+/=",
  expiration: EXP,
  accountId: "123456789012",
  roleName: "ReadOnly",
};
/** Text no real secret holds, to show nothing is lost on the way. */
const HOSTILE = `it's "quoted" \\ back\\slash $HOME \`id\` ünïcødé ✓ 😀 \n\t new line`;

Deno.test({
  name: "renderProcess() writes the credential_process JSON on one line",
  permissions: "none",
  fn() {
    const out = renderProcess(CREDS);
    assert.ok(out.endsWith("}\n"));
    assert.equal(out.split("\n").length, 2);
    assert.deepEqual(JSON.parse(out), {
      Version: 1,
      AccessKeyId: CREDS.accessKeyId,
      SecretAccessKey: CREDS.secretAccessKey,
      SessionToken: CREDS.sessionToken,
      Expiration: "2026-11-25T19:00:00+00:00",
      AccountId: "123456789012",
    });
    assert.deepEqual(Object.keys(JSON.parse(out)), [
      "Version",
      "AccessKeyId",
      "SecretAccessKey",
      "SessionToken",
      "Expiration",
      "AccountId",
    ]);
  },
});

Deno.test({
  name:
    "renderProcess() writes Expiration as whole seconds with +00:00, as the AWS CLI and the Python tool do",
  permissions: "none",
  async fn(t) {
    for (
      const [ms, iso] of [
        [Date.UTC(2026, 0, 1, 0, 0, 0, 999), "2026-01-01T00:00:00+00:00"],
        [Date.UTC(2026, 11, 31, 23, 59, 59, 1), "2026-12-31T23:59:59+00:00"],
        [0, "1970-01-01T00:00:00+00:00"],
      ] as const
    ) {
      await t.step(iso, () => {
        assert.equal(JSON.parse(renderProcess({ ...CREDS, expiration: ms })).Expiration, iso);
      });
    }
  },
});

Deno.test({
  name: "renderProcess() leaves out an empty session token and account id",
  permissions: "none",
  fn() {
    const parsed = JSON.parse(renderProcess({ ...CREDS, sessionToken: "", accountId: "" }));
    assert.equal("SessionToken" in parsed, false);
    assert.equal("AccountId" in parsed, false);
  },
});

Deno.test({
  name: "renderProcess() refuses missing keys and a bad expiration without showing a secret",
  permissions: "none",
  async fn(t) {
    const cases: [string, Partial<RoleCredentials>][] = [
      ["empty access key id", { accessKeyId: "" }],
      ["empty secret", { secretAccessKey: "" }],
      ["NaN expiration", { expiration: NaN }],
      ["expiration out of Date range", { expiration: 1e20 }],
    ];
    for (const [name, patch] of cases) {
      await t.step(name, () => {
        assert.throws(() => renderProcess({ ...CREDS, ...patch }), (err: unknown) => {
          assert.ok(err instanceof TypeError);
          assert.ok(!err.message.includes(CREDS.secretAccessKey));
          assert.ok(!err.message.includes(CREDS.sessionToken));
          return true;
        });
      });
    }
  },
});

/** Writes our output where a `credential_process` can `cat` it. */
async function plant(dir: string, creds: RoleCredentials): Promise<string> {
  const path = join(dir, "process-output.json");
  await Deno.writeTextFile(path, renderProcess(creds));
  return path;
}

const BOTOCORE_PROCESS = `
import json, sys
from botocore.credentials import ProcessProvider
provider = ProcessProvider("p", lambda: {"profiles": {"p": {"credential_process": sys.argv[1]}}})
creds = provider.load()
frozen = creds.get_frozen_credentials()
print(json.dumps({
    "method": creds.method,
    "access_key": frozen.access_key,
    "secret_key": frozen.secret_key,
    "token": frozen.token,
    "expiry": creds._expiry_time.isoformat() if getattr(creds, "_expiry_time", None) else None,
}))
`;

Deno.test("renderProcess() output is read by botocore's ProcessProvider", async (t) => {
  await using tmp = await withTmpDir();
  // botocore re-runs the process within 15 minutes of expiry: keep it an hour out.
  const expiration = Math.floor(Date.now() / 1000) * 1000 + 3_600_000;
  for (
    const [name, creds] of [
      ["ordinary values", { ...CREDS, expiration }],
      ["hostile secret and token", {
        ...CREDS,
        expiration,
        secretAccessKey: HOSTILE,
        sessionToken: `${HOSTILE}2`,
      }],
    ] as const
  ) {
    await t.step(name, async () => {
      const path = await plant(tmp.path, creds);
      const got = await runPython(BOTOCORE_PROCESS, [`/bin/cat ${path}`]);
      assert.deepEqual(got, {
        method: "custom-process",
        access_key: creds.accessKeyId,
        secret_key: creds.secretAccessKey,
        token: creds.sessionToken,
        expiry: new Date(expiration).toISOString().replace(".000Z", "+00:00"),
      });
    });
  }
});

/** Reads credentials the way a Node.js program does with `credential_process` in its config. */
async function readWithJsSdk(dir: string, outputPath: string) {
  const configFilepath = join(dir, "config");
  const filepath = join(dir, "credentials");
  await Deno.writeTextFile(configFilepath, `[profile p]\ncredential_process = cat ${outputPath}\n`);
  await Deno.writeTextFile(filepath, "");
  return await fromProcess({ profile: "p", configFilepath, filepath, ignoreCache: true })();
}

Deno.test("renderProcess() output is read by the JS SDK's fromProcess", async (t) => {
  await using tmp = await withTmpDir();
  const expiration = Math.floor(Date.now() / 1000) * 1000 + 3_600_000;
  await t.step("ordinary values", async () => {
    const creds = { ...CREDS, expiration };
    const got = await readWithJsSdk(tmp.path, await plant(tmp.path, creds));
    assert.equal(got.accessKeyId, creds.accessKeyId);
    assert.equal(got.secretAccessKey, creds.secretAccessKey);
    assert.equal(got.sessionToken, creds.sessionToken);
    assert.equal(got.expiration?.getTime(), expiration);
    assert.equal(got.accountId, "123456789012");
  });
  await t.step("hostile secret", async () => {
    const creds = { ...CREDS, expiration, secretAccessKey: HOSTILE };
    const got = await readWithJsSdk(tmp.path, await plant(tmp.path, creds));
    assert.equal(got.secretAccessKey, HOSTILE);
  });
  await t.step("already expired: refused, so Expiration was parsed", async () => {
    const path = await plant(tmp.path, { ...CREDS, expiration: Date.now() - 60_000 });
    await assert.rejects(() => readWithJsSdk(tmp.path, path), /expired credentials/);
  });
});
