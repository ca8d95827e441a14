import assert from "node:assert/strict";
import { join } from "node:path";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import {
  DEFAULT_PROFILE_TEMPLATE,
  discoveredProfileName,
  type ProfileNameFields,
} from "../../src/portal/profile_name.ts";
import { withTmpDir } from "../helpers.ts";
import { runPython } from "../render/_interop.ts";

const ROLE: ProfileNameFields = {
  accountId: "123456789012",
  accountName: "Production",
  roleName: "ReadOnly",
};

/** Account names people give their accounts, most of them hostile to an INI header. */
const ACCOUNT_NAMES = [
  "Production",
  "Prod (EU) – Payments",
  "Produção São Paulo",
  "dev env #2; old",
  "quote\"s and 'single' `back`",
  "[brackets] and {braces}",
  "tabs\tand\nnewlines",
  "日本の本番",
  "a//b..c::d@@e++f%%g",
  "  --leading and trailing--  ",
  "__proto__",
  "default",
  "ﬁne Ａｃｃｏｕｎｔ", // compatibility characters: NFKD turns them into ASCII
  "emoji 🚀 rocket",
  "back\\slash",
];

Deno.test({
  name: "discoveredProfileName() default template is ACCOUNTID-ROLENAME",
  permissions: "none",
  fn() {
    assert.equal(DEFAULT_PROFILE_TEMPLATE, "{account_id}-{role_name}");
    assert.equal(discoveredProfileName(DEFAULT_PROFILE_TEMPLATE, ROLE), "123456789012-ReadOnly");
  },
});

Deno.test({
  name: "discoveredProfileName() fills every placeholder, as often as it appears",
  permissions: "none",
  async fn(t) {
    const cases: [string, string][] = [
      ["{account_name}-{role_name}", "Production-ReadOnly"],
      ["{account_name}/{role_name}", "Production/ReadOnly"],
      ["sso.{account_id}.{role_name}", "sso.123456789012.ReadOnly"],
      ["{role_name}@{account_name}", "ReadOnly@Production"],
      ["{account_id}", "123456789012"],
      ["{role_name}-{role_name}", "ReadOnly-ReadOnly"],
      ["plain", "plain"],
    ];
    for (const [template, name] of cases) {
      await t.step(template, () => assert.equal(discoveredProfileName(template, ROLE), name));
    }
  },
});

Deno.test({
  name: "discoveredProfileName() sanitises names into what both SDKs read",
  permissions: "none",
  async fn(t) {
    const cases: [string, string][] = [
      ["Prod (EU) – Payments", "Prod-EU-Payments"],
      ["Produção São Paulo", "Producao-Sao-Paulo"],
      ["dev env #2; old", "dev-env-2-old"],
      ["  --leading and trailing--  ", "leading-and-trailing"],
      ["a//b..c::d@@e++f%%g", "a//b..c::d@@e++f%%g"],
      ["ﬁne Ａｃｃｏｕｎｔ", "fine-Account"],
      ["日本の本番", "123456789012"],
      ["", "123456789012"],
    ];
    for (const [accountName, part] of cases) {
      await t.step(JSON.stringify(accountName), () => {
        assert.equal(
          discoveredProfileName("{account_name}_{role_name}", { ...ROLE, accountName }),
          `${part}_ReadOnly`,
        );
      });
    }
    await t.step("no account name: {account_name} is the id", () => {
      assert.equal(
        discoveredProfileName("{account_name}", { accountId: "123456789012", roleName: "R" }),
        "123456789012",
      );
    });
    await t.step("template text is sanitised too", () => {
      assert.equal(
        discoveredProfileName("sso {account_id} {role_name}!", ROLE),
        "sso-123456789012-ReadOnly",
      );
    });
  },
});

Deno.test({
  name: "discoveredProfileName() refuses unknown or broken placeholders",
  permissions: "none",
  async fn(t) {
    const cases: [string, RegExp][] = [
      ["{account}-{role_name}", /unknown placeholder "\{account\}", expected \{account_id\}/],
      ["{ROLE_NAME}", /unknown placeholder "\{ROLE_NAME\}"/],
      ["{}", /unknown placeholder "\{\}"/],
      ["{account_id", /unclosed "\{"/],
      ["account_id}", /"\}" without "\{"/],
      ["{{account_id}}", /unknown placeholder "\{\{account_id\}"/],
    ];
    for (const [template, message] of cases) {
      await t.step(template, () => {
        assert.throws(() => discoveredProfileName(template, ROLE), (err: unknown) => {
          assert.ok(err instanceof TypeError);
          assert.match(err.message, message);
          assert.ok(err.message.includes(`"${template}"`));
          return true;
        });
      });
    }
  },
});

Deno.test({
  name: "discoveredProfileName() refuses names that are empty, default or __proto__",
  permissions: "none",
  async fn(t) {
    const cases: [string, ProfileNameFields][] = [
      ["{account_name}", { ...ROLE, accountName: "default" }],
      ["{role_name}", { ...ROLE, roleName: "__proto__" }],
      ["--", ROLE],
      ["(){role_name}", { ...ROLE, roleName: "日本" }],
    ];
    for (const [template, fields] of cases) {
      await t.step(`${template} ${JSON.stringify(fields.accountName ?? fields.roleName)}`, () => {
        assert.throws(() => discoveredProfileName(template, fields), TypeError);
      });
    }
  },
});

/** The names of every hostile account name, under two templates; the refused ones left out. */
function hostileNames(): string[] {
  const names: string[] = [];
  for (
    const template of [DEFAULT_PROFILE_TEMPLATE, "{account_name}", "{account_name}/{role_name}"]
  ) {
    for (const accountName of ACCOUNT_NAMES) {
      try {
        names.push(discoveredProfileName(template, { ...ROLE, accountName }));
      } catch {
        // "default" and "__proto__" under "{account_name}"
      }
    }
  }
  return [...new Set(names)];
}

Deno.test("discoveredProfileName() names reach botocore and the JS SDK unchanged", async (t) => {
  await using tmp = await withTmpDir();
  const names = hostileNames();
  assert.ok(names.length > 20);
  const configFilepath = join(tmp.path, "config");
  await Deno.writeTextFile(
    configFilepath,
    names.map((n, i) => `[profile ${n}]\nregion = us-east-${i}\n`).join("\n"),
  );
  const filepath = join(tmp.path, "credentials");
  await Deno.writeTextFile(filepath, "");
  const want = Object.fromEntries(names.map((n, i) => [n, `us-east-${i}`]));

  await t.step("botocore", async () => {
    const got = await runPython(
      `import json, sys
from botocore.configloader import load_config
profiles = load_config(sys.argv[1])["profiles"]
print(json.dumps({name: p.get("region") for name, p in profiles.items()}))`,
      [configFilepath],
    );
    assert.deepEqual(got, want);
  });
  await t.step("JS SDK", async () => {
    const files = await loadSharedConfigFiles({ filepath, configFilepath, ignoreCache: true });
    const got = Object.fromEntries(
      Object.entries(files.configFile).map(([name, p]) => [name, p["region"]]),
    );
    assert.deepEqual(got, want);
  });
});
