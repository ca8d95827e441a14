import assert from "node:assert/strict";
import { SsoError } from "../../src/errors.ts";
import { IniDocument } from "../../src/config/ini_document.ts";
import { getProfile, getServices, getSsoSession } from "../../src/config/aws_files.ts";
import { type ProfileLookup, resolveSsoProfile } from "../../src/config/resolve_sso_profile.ts";

function lookup(text: string): ProfileLookup {
  const doc = IniDocument.parse(text, { file: "/h/.aws/config", kind: "config" });
  return {
    path: "/h/.aws/config",
    profile: (n) => getProfile(doc, n),
    ssoSession: (n) => getSsoSession(doc, n),
    services: (n) => getServices(doc, n),
  };
}

const SESSION = "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\n" +
  "sso_region = eu-west-1\nsso_registration_scopes = sso:account:access , ,extra \n";

Deno.test({
  name: "resolveSsoProfile() resolves legacy and sso-session profiles",
  permissions: "none",
  fn() {
    assert.deepEqual(
      resolveSsoProfile(
        "old",
        lookup(
          "[profile old]\nsso_start_url = https://d-2.awsapps.com/start\nsso_region = us-east-1\n" +
            "sso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = us-west-2\n",
        ),
      ),
      {
        profileName: "old",
        startUrl: "https://d-2.awsapps.com/start",
        ssoRegion: "us-east-1",
        accountId: "111122223333",
        roleName: "ReadOnly",
        region: "us-west-2",
      },
    );
    assert.deepEqual(
      resolveSsoProfile("default", lookup(`[default]\nsso_session = corp\n${SESSION}`)),
      {
        profileName: "default",
        startUrl: "https://d-1.awsapps.com/start",
        ssoRegion: "eu-west-1",
        sessionName: "corp",
        scopes: ["sso:account:access", "extra"],
      },
    );
  },
});

Deno.test({
  name: "resolveSsoProfile() allows equal values in profile and session, as botocore",
  permissions: "none",
  fn() {
    const p = resolveSsoProfile(
      "dev",
      lookup(`[profile dev]\nsso_session = corp\nsso_region = eu-west-1\n${SESSION}`),
    );
    assert.equal(p.ssoRegion, "eu-west-1");
  },
});

Deno.test({
  name: "resolveSsoProfile() reads endpoints from [services] and endpoint_url",
  permissions: "none",
  fn() {
    const p = resolveSsoProfile(
      "dev",
      lookup(
        `[profile dev]\nsso_session = corp\nservices = local\nendpoint_url = http://all\n${SESSION}` +
          "[services local]\nsso =\n  endpoint_url = http://portal\nsso_oidc =\n" +
          "  endpoint_url = http://oidc\ns3 =\n  endpoint_url = http://s3\n",
      ),
    );
    assert.deepEqual(p.endpoints, {
      sso: "http://portal",
      "sso-oidc": "http://oidc",
      "*": "http://all",
    });
  },
});

Deno.test({
  name: "resolveSsoProfile() refuses what botocore refuses, with one clear message each",
  permissions: "none",
  async fn(t) {
    const cases: [string, string, string, RegExp][] = [
      [
        "missing profile",
        "[profile a]\nregion = x\n",
        "PROFILE_NOT_FOUND",
        /Profile "dev" not found in \/h\/\.aws\/config/,
      ],
      [
        "not an SSO profile",
        "[profile dev]\nregion = x\n",
        "NOT_SSO_PROFILE",
        /Profile "dev" is not an SSO profile/,
      ],
      [
        "session that does not exist",
        "[profile dev]\nsso_session = nope\n",
        "INVALID_CONFIG",
        /uses sso-session "nope", which does not exist/,
      ],
      [
        "values that differ between profile and session",
        `[profile dev]\nsso_session = corp\nsso_region = us-east-1\n${SESSION}`,
        "INVALID_CONFIG",
        /The value for sso_region is inconsistent between profile \(us-east-1\) and sso-session \(eu-west-1\)/,
      ],
      [
        "legacy profile without a region",
        "[profile dev]\nsso_start_url = https://d-1.awsapps.com/start\n",
        "INVALID_CONFIG",
        /missing required configuration: sso_region/,
      ],
      [
        // botocore keeps an inline comment in the value, then refuses it as a region name.
        "an sso_region that is no region name",
        `[profile dev]\nsso_session = s\n[sso-session s]\nsso_start_url = https://d-1.awsapps.com/start\n` +
        "sso_region = eu-west-1 # Ireland\n",
        "INVALID_CONFIG",
        /Invalid sso_region "eu-west-1 # Ireland" in profile "dev": not a region name/,
      ],
      [
        "a region on two lines",
        `[profile dev]\nsso_session = corp\nregion = eu-west-1\n  us-east-1\n${SESSION}`,
        "INVALID_CONFIG",
        /Invalid region "eu-west-1\\nus-east-1" in profile "dev": not a region name/,
      ],
      [
        "session without a start URL",
        "[profile dev]\nsso_session = s\n[sso-session s]\nsso_region = us-east-1\n",
        "INVALID_CONFIG",
        /missing required configuration: sso_start_url/,
      ],
    ];
    for (const [name, text, code, message] of cases) {
      await t.step(name, () => {
        assert.throws(() => resolveSsoProfile("dev", lookup(text)), (e: unknown) => {
          assert.ok(e instanceof SsoError);
          assert.equal(e.code, code);
          assert.match(e.message, message);
          assert.ok(e.hint && e.hint.length > 0);
          assert.doesNotMatch(e.message, /\n/);
          return true;
        });
      });
    }
  },
});
