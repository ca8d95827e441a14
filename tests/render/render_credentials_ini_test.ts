import assert from "node:assert/strict";
import { join } from "node:path";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import {
  CREDENTIALS_EXPIRATION_KEY,
  credentialsIniValues,
  renderCredentialsIni,
  STALE_CREDENTIALS_KEYS,
} from "../../src/render/render_credentials_ini.ts";
import type { RoleCredentials } from "../../src/role_credentials.ts";
import { withTmpDir } from "../helpers.ts";
import { runPython } from "./_interop.ts";

const CREDS: RoleCredentials = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE12",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE+/=",
  expiration: Date.UTC(2026, 10, 25, 19, 0, 0),
  accountId: "123456789012",
  roleName: "ReadOnly",
};

Deno.test({
  name: "credentialsIniValues() gives the keys in the order to write them",
  permissions: "none",
  fn() {
    const values = credentialsIniValues(CREDS);
    assert.deepEqual(Object.entries(values), [
      ["aws_access_key_id", CREDS.accessKeyId],
      ["aws_secret_access_key", CREDS.secretAccessKey],
      ["aws_session_token", CREDS.sessionToken],
      ["aws_account_id", "123456789012"],
      ["x_security_token_expires", "2026-11-25T19:00:00Z"],
    ]);
    assert.equal(CREDENTIALS_EXPIRATION_KEY, "x_security_token_expires");
    assert.deepEqual(STALE_CREDENTIALS_KEYS, ["aws_security_token"]);
  },
});

Deno.test({
  name: "credentialsIniValues() leaves out an empty session token and account id",
  permissions: "none",
  fn() {
    assert.deepEqual(
      Object.keys(credentialsIniValues({ ...CREDS, sessionToken: "", accountId: "" })),
      [
        "aws_access_key_id",
        "aws_secret_access_key",
        "x_security_token_expires",
      ],
    );
  },
});

Deno.test({
  name: "credentialsIniValues() refuses what an INI line cannot carry, naming the key only",
  permissions: "none",
  async fn(t) {
    const cases: [string, Partial<RoleCredentials>, RegExp][] = [
      ["line break in the secret", { secretAccessKey: "secret-a\nb" }, /aws_secret_access_key/],
      ["space in the token", { sessionToken: "secret-a #b" }, /aws_session_token/],
      ["empty access key id", { accessKeyId: "" }, /aws_access_key_id/],
      ["bad expiration", { expiration: NaN }, /x_security_token_expires/],
    ];
    for (const [name, patch, message] of cases) {
      await t.step(name, () => {
        assert.throws(() => credentialsIniValues({ ...CREDS, ...patch }), (err: unknown) => {
          assert.ok(err instanceof TypeError);
          assert.match(err.message, message);
          assert.ok(!err.message.includes("secret-"), err.message);
          return true;
        });
      });
    }
  },
});

Deno.test({
  name: "renderCredentialsIni() gives a credentials-file section, [default] unless named",
  permissions: "none",
  fn() {
    const body = "aws_access_key_id = ASIAEXAMPLEEXAMPLE12\n" +
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n" +
      "aws_session_token = IQoJb3JpZ2luX2VjEXAMPLE+/=\n" +
      "aws_account_id = 123456789012\n" +
      "x_security_token_expires = 2026-11-25T19:00:00Z\n";
    assert.equal(renderCredentialsIni(CREDS), "[default]\n" + body);
    assert.equal(renderCredentialsIni(CREDS, { profile: "dev" }), "[dev]\n" + body);
    assert.equal(renderCredentialsIni(CREDS, { profile: "my dev" }), "[my dev]\n" + body);
  },
});

Deno.test({
  name: "renderCredentialsIni() refuses a profile name no credentials file can hold",
  permissions: "none",
  fn() {
    for (const profile of ["", "a\nb", "DEFAULT"]) {
      assert.throws(
        () => renderCredentialsIni(CREDS, { profile }),
        TypeError,
        JSON.stringify(profile),
      );
    }
  },
});

/** A credentials file with one `[dev]` profile holding `values`, plus `extra` lines. */
function credentialsFile(values: Record<string, string>, extra = ""): string {
  return "[dev]\n" + extra +
    Object.entries(values).map(([k, v]) => `${k} = ${v}\n`).join("");
}

const BOTOCORE_SHARED = `
import json, os
import botocore.session
creds = botocore.session.Session(profile="dev").get_credentials()
print(json.dumps({"method": creds.method, "access_key": creds.access_key,
                  "secret_key": creds.secret_key, "token": creds.token}))
`;

Deno.test("credentialsIniValues() are read by botocore, which ignores the expiration key", async (t) => {
  await using tmp = await withTmpDir();
  const path = join(tmp.path, "credentials");
  const env = {
    AWS_SHARED_CREDENTIALS_FILE: path,
    AWS_CONFIG_FILE: join(tmp.path, "config"),
    HOME: tmp.path,
  };
  const want = {
    method: "shared-credentials-file",
    access_key: CREDS.accessKeyId,
    secret_key: CREDS.secretAccessKey,
    token: CREDS.sessionToken,
  };
  await t.step("the values as written", async () => {
    await Deno.writeTextFile(path, credentialsFile(credentialsIniValues(CREDS)));
    assert.deepEqual(await runPython(BOTOCORE_SHARED, [], env), want);
  });
  await t.step("renderCredentialsIni()", async () => {
    await Deno.writeTextFile(path, renderCredentialsIni(CREDS, { profile: "dev" }));
    assert.deepEqual(await runPython(BOTOCORE_SHARED, [], env), want);
  });
  await t.step(
    "a stale aws_security_token wins over aws_session_token (why it is deleted)",
    async () => {
      await Deno.writeTextFile(
        path,
        credentialsFile(credentialsIniValues(CREDS), "aws_security_token = stale\n"),
      );
      assert.deepEqual(await runPython(BOTOCORE_SHARED, [], env), { ...want, token: "stale" });
    },
  );
});

Deno.test("credentialsIniValues() are read back by the JS SDK's INI loader", async () => {
  await using tmp = await withTmpDir();
  const filepath = join(tmp.path, "credentials");
  const configFilepath = join(tmp.path, "config");
  const values = credentialsIniValues(CREDS);
  await Deno.writeTextFile(filepath, credentialsFile(values));
  await Deno.writeTextFile(configFilepath, "");
  const files = await loadSharedConfigFiles({ filepath, configFilepath, ignoreCache: true });
  assert.deepEqual(files.credentialsFile["dev"], values);
});

Deno.test("renderCredentialsIni() is read back by the JS SDK's INI loader", async () => {
  await using tmp = await withTmpDir();
  const filepath = join(tmp.path, "credentials");
  const configFilepath = join(tmp.path, "config");
  await Deno.writeTextFile(filepath, renderCredentialsIni(CREDS, { profile: "dev-2" }));
  await Deno.writeTextFile(configFilepath, "");
  const files = await loadSharedConfigFiles({ filepath, configFilepath, ignoreCache: true });
  assert.deepEqual(files.credentialsFile["dev-2"], credentialsIniValues(CREDS));
});
