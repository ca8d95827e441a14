import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import {
  configFilePath,
  credentialsFilePath,
  getProfile,
  getServices,
  getSsoSession,
  loadAwsFile,
  profileNames,
  profileSectionName,
  sectionName,
} from "../../src/config/aws_files.ts";
import { IniDocument, parseSectionName, type SectionType } from "../../src/config/ini_document.ts";
import { awsDir, testRuntime, withTmpDir } from "../helpers.ts";

/** An environment reader over a fixed table. */
function envOf(vars: Record<string, string>): (name: string) => string | undefined {
  return (name) => vars[name];
}

/** A runtime whose files live in memory. */
function memoryRuntime(files: Record<string, string>, vars: Record<string, string>) {
  return {
    env: envOf(vars),
    fs: { readTextFile: (path: string) => Promise.resolve(files[path] ?? null) },
  };
}

// --- paths ---------------------------------------------------------------------------------

Deno.test({
  name:
    "configFilePath() and credentialsFilePath() honour the variables and expand the home folder",
  permissions: "none",
  async fn(t) {
    const cases: Array<[string, Record<string, string>, string, string]> = [
      [
        "defaults under HOME",
        { HOME: "/home/u" },
        "/home/u/.aws/config",
        "/home/u/.aws/credentials",
      ],
      [
        "USERPROFILE when HOME is unset",
        { USERPROFILE: "/Users/u" },
        "/Users/u/.aws/config",
        "/Users/u/.aws/credentials",
      ],
      [
        "absolute variables",
        { AWS_CONFIG_FILE: "/etc/aws/config", AWS_SHARED_CREDENTIALS_FILE: "/etc/aws/creds" },
        "/etc/aws/config",
        "/etc/aws/creds",
      ],
      [
        "~ in the variables",
        { HOME: "/home/u", AWS_CONFIG_FILE: "~/c", AWS_SHARED_CREDENTIALS_FILE: "~" },
        "/home/u/c",
        "/home/u",
      ],
      [
        "$VAR and ${VAR} as botocore's expandvars",
        {
          HOME: "/home/u",
          D: "/srv",
          AWS_CONFIG_FILE: "$D/config",
          AWS_SHARED_CREDENTIALS_FILE: "${D}/c",
        },
        "/srv/config",
        "/srv/c",
      ],
      [
        "unknown variables stay as written",
        { HOME: "/h", AWS_CONFIG_FILE: "/x/$NOPE/c", AWS_SHARED_CREDENTIALS_FILE: "/x/${NOPE}" },
        "/x/$NOPE/c",
        "/x/${NOPE}",
      ],
      [
        "empty variables count as unset",
        { HOME: "/home/u", AWS_CONFIG_FILE: "", AWS_SHARED_CREDENTIALS_FILE: "" },
        "/home/u/.aws/config",
        "/home/u/.aws/credentials",
      ],
      [
        "a relative path is kept",
        { AWS_CONFIG_FILE: "cfg", AWS_SHARED_CREDENTIALS_FILE: "./cr" },
        "cfg",
        "./cr",
      ],
    ];
    for (const [name, vars, config, credentials] of cases) {
      await t.step(name, () => {
        assert.equal(configFilePath(envOf(vars)), config);
        assert.equal(credentialsFilePath(envOf(vars)), credentials);
      });
    }
  },
});

Deno.test({
  name: "configFilePath() throws a TypeError when it needs a home folder and has none",
  permissions: "none",
  fn() {
    assert.throws(() => configFilePath(envOf({})), TypeError);
    assert.throws(
      () => credentialsFilePath(envOf({ AWS_SHARED_CREDENTIALS_FILE: "~/x" })),
      TypeError,
    );
  },
});

// --- loading -------------------------------------------------------------------------------

Deno.test({
  name: "loadAwsFile() reads through runtime.fs and treats a missing file as empty",
  permissions: "none",
  async fn() {
    const runtime = memoryRuntime(
      { "/home/u/.aws/config": "[profile dev]\nregion = eu-west-1\n" },
      { HOME: "/home/u" },
    );
    const config = await loadAwsFile(runtime, "config");
    assert.equal(config.path, "/home/u/.aws/config");
    assert.equal(config.exists, true);
    assert.equal(config.doc.kind, "config");
    assert.equal(config.doc.file, "/home/u/.aws/config");
    assert.deepEqual(getProfile(config.doc, "dev"), { region: "eu-west-1" });
    const credentials = await loadAwsFile(runtime, "credentials");
    assert.deepEqual(
      { ...credentials, doc: credentials.doc.toString() },
      { kind: "credentials", path: "/home/u/.aws/credentials", exists: false, text: "", doc: "" },
    );
    assert.equal(credentials.doc.kind, "credentials");
  },
});

Deno.test({
  name: "loadAwsFile() throws a SyntaxError naming the file and line",
  permissions: "none",
  async fn() {
    const runtime = memoryRuntime({ "/cfg": "[a]\nk = 1\nk = 2\n" }, { AWS_CONFIG_FILE: "/cfg" });
    await assert.rejects(() => loadAwsFile(runtime, "config"), {
      name: "SyntaxError",
      message: 'Cannot parse /cfg: line 3: duplicate key "k" in section [a]',
    });
  },
});

Deno.test("loadAwsFile() reads real files under the runtime's HOME", async () => {
  await using tmp = await withTmpDir();
  await Deno.mkdir(awsDir(tmp.path));
  const text = "\uFEFF[default]\r\naws_access_key_id = AKIAEXAMPLE\r\n";
  await Deno.writeTextFile(join(awsDir(tmp.path), "credentials"), text);
  const runtime = testRuntime({ home: tmp.path });
  const credentials = await loadAwsFile(runtime, "credentials");
  assert.equal(credentials.path, join(tmp.path, ".aws", "credentials"));
  assert.equal(credentials.text, text);
  assert.equal(credentials.doc.toString(), text);
  assert.deepEqual(profileNames(credentials.doc), ["default"]);
  const config = await loadAwsFile(runtime, "config");
  assert.equal(config.exists, false);
});

// --- sections ------------------------------------------------------------------------------

Deno.test({
  name: "profileNames() and getProfile() read profiles as botocore does",
  permissions: "none",
  fn() {
    const doc = IniDocument.parse(
      "[DEFAULT]\noutput = json\n[default]\nregion = a\n[profile  dev]\nSSO_Session : corp\n" +
        "s3 =\n  addressing_style = path\n[profile 'x y']\n[plugins]\nk = v\n[profile default]\nregion = b\n",
    );
    assert.deepEqual(profileNames(doc), ["default", "dev", "x y"]);
    assert.deepEqual(getProfile(doc, "default"), { region: "b", output: "json" });
    assert.deepEqual(getProfile(doc, "dev"), {
      sso_session: "corp",
      s3: "\naddressing_style = path",
      output: "json",
    });
    assert.deepEqual(doc.lookup({ type: "profile", name: "dev" })?.subsection("s3"), {
      addressing_style: "path",
    });
    assert.deepEqual(getProfile(doc, "x y"), { output: "json" });
    assert.equal(getProfile(doc, "plugins"), undefined);
    assert.equal(getProfile(doc, "DEFAULT"), undefined);
  },
});

Deno.test({
  name: "getProfile() reads bare section names from the credentials file",
  permissions: "none",
  fn() {
    const doc = IniDocument.parse(
      "[dev]\naws_access_key_id = A\n[profile dev]\naws_access_key_id = B\n",
      {
        kind: "credentials",
      },
    );
    assert.deepEqual(profileNames(doc), ["dev", "profile dev"]);
    assert.deepEqual(getProfile(doc, "dev"), { aws_access_key_id: "A" });
    assert.equal(getSsoSession(doc, "dev"), undefined);
  },
});

Deno.test({
  name: "getSsoSession() and getServices() read sso-session and services sections",
  permissions: "none",
  fn() {
    const doc = IniDocument.parse(
      "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n" +
        "[services local]\nregion = x\nsso =\n  endpoint_url = http://127.0.0.1:1\n" +
        "SSO_OIDC =\n  Endpoint_URL = http://127.0.0.1:2\n",
    );
    assert.deepEqual(getSsoSession(doc, "corp"), {
      sso_start_url: "https://d-1.awsapps.com/start",
      sso_region: "eu-west-1",
    });
    assert.equal(getSsoSession(doc, "other"), undefined);
    assert.deepEqual(getServices(doc, "local"), {
      sso: { endpoint_url: "http://127.0.0.1:1" },
      sso_oidc: { Endpoint_URL: "http://127.0.0.1:2" },
    });
    assert.equal(getServices(doc, "other"), undefined);
  },
});

Deno.test({
  name: "sectionName() names sections as aws configure set does",
  permissions: "none",
  async fn(t) {
    const cases: Array<[SectionType, string, "config" | "credentials", string]> = [
      ["profile", "default", "config", "default"],
      ["profile", "dev", "config", "profile dev"],
      ["profile", "a b", "config", "profile 'a b'"],
      ["profile", "a\tb", "config", "profile 'a\tb'"],
      ["profile", "it's here", "config", `profile 'it'"'"'s here'`],
      ["profile", 'q"uote', "config", `profile 'q"uote'`],
      ["profile", "back\\slash", "config", "profile 'back\\slash'"],
      ["profile", "DEFAULT", "config", "profile DEFAULT"],
      ["sso-session", "my corp", "config", "sso-session 'my corp'"],
      ["sso-session", "default", "config", "sso-session default"],
      ["services", "local", "config", "services local"],
      ["profile", "default", "credentials", "default"],
      ["profile", "a b", "credentials", "a b"],
    ];
    for (const [type, name, kind, want] of cases) {
      await t.step(`${type} ${JSON.stringify(name)} in ${kind}`, () => {
        assert.equal(sectionName({ type, name }, kind), want);
        assert.deepEqual(parseSectionName(want, kind), { type, name });
      });
    }
    await t.step("profileSectionName() is the profile case", () => {
      assert.equal(profileSectionName("a b", "config"), "profile 'a b'");
    });
  },
});

Deno.test({
  name: "sectionName() rejects names it cannot write",
  permissions: "none",
  fn() {
    assert.throws(() => profileSectionName("", "config"), TypeError);
    assert.throws(() => profileSectionName("a\nb", "config"), TypeError);
    assert.throws(() => profileSectionName("a\rb", "credentials"), TypeError);
    assert.throws(() => profileSectionName("DEFAULT", "credentials"), TypeError);
    assert.throws(() => sectionName({ type: "sso-session", name: "x" }, "credentials"), TypeError);
    // The JS SDK cuts a line at " #" or " ;": the header would end there, and the keys under it
    // would go to the section before.
    for (const name of ["ci #2", "ci ;2", "ci\t#2"]) {
      for (const kind of ["config", "credentials"] as const) {
        assert.throws(() => profileSectionName(name, kind), TypeError, `${name} ${kind}`);
      }
    }
  },
});

Deno.test({
  name: "sectionName() gives headers that botocore maps back to the same name",
  permissions: "none",
  fn() {
    const name = fc.string({
      unit: fc.constantFrom(..."ab \t'\"\\#;=:[]é$*".split("")),
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(
        name,
        fc.constantFrom<SectionType>("profile", "sso-session", "services"),
        (n, type) => {
          fc.pre(!/\s[#;]/.test(n)); // refused, above
          const header = sectionName({ type, name: n }, "config");
          assert.deepEqual(parseSectionName(header, "config"), { type, name: n });
          const doc = IniDocument.parse("");
          doc.set(header, "region", "x");
          assert.equal(
            IniDocument.parse(doc.toString()).lookup({ type, name: n })?.get("region"),
            "x",
          );
        },
      ),
      { numRuns: 1000 },
    );
  },
});

// --- interop with the AWS CLI v2 -----------------------------------------------------------

/** Runs Debian's AWS CLI v2 (`/usr/bin/aws`; the first `aws` on PATH may be another one). */
async function awsCli(home: string, args: string[]): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("/usr/bin/aws", {
      args,
      clearEnv: true,
      env: {
        HOME: home,
        PATH: "/usr/bin:/bin",
        LANG: "C.UTF-8",
        AWS_CONFIG_FILE: join(home, "config"),
        AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    throw new Error(
      "This test needs the AWS CLI v2 at /usr/bin/aws (Debian: apt-get install awscli)",
      {
        cause: err,
      },
    );
  }
  if (!out.success) {
    throw new Error(`aws ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

Deno.test("profileSectionName() writes the header aws configure set writes, and the CLI reads our edits", async () => {
  await using tmp = await withTmpDir();
  const config = join(tmp.path, "config");
  await Deno.writeTextFile(config, "[default]\nregion = us-east-1\n# keep me\n");
  await awsCli(tmp.path, ["configure", "set", "region", "eu-west-1", "--profile", "a b"]);
  const written = await Deno.readTextFile(config);
  assert.ok(written.includes(`[${profileSectionName("a b", "config")}]\n`), written);

  const doc = IniDocument.parse(written, { kind: "config" });
  doc.set(profileSectionName("a b", "config"), "region", "ap-south-1");
  doc.set(profileSectionName("c d", "config"), "output", "text");
  doc.set(profileSectionName("default", "config"), "output", "json");
  await Deno.writeTextFile(config, doc.toString());
  assert.equal(
    (await awsCli(tmp.path, ["configure", "get", "region", "--profile", "a b"])).trim(),
    "ap-south-1",
  );
  assert.equal(
    (await awsCli(tmp.path, ["configure", "get", "output", "--profile", "c d"])).trim(),
    "text",
  );
  assert.equal((await awsCli(tmp.path, ["configure", "get", "output"])).trim(), "json");
  assert.ok(doc.toString().includes("# keep me\n"));
});
