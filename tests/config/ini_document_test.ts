import assert from "node:assert/strict";
import { IniDocument, parseSectionName } from "../../src/config/ini_document.ts";
import { makeBigConfig } from "../testdata/ini/make_big_config.ts";

/** Parses a config file and returns the document. */
function config(text: string): IniDocument {
  return IniDocument.parse(text, { file: "/home/u/.aws/config", kind: "config" });
}

/** Parses a credentials file and returns the document. */
function credentials(text: string): IniDocument {
  return IniDocument.parse(text, { file: "/home/u/.aws/credentials", kind: "credentials" });
}

/** Every physical section as [name, line, record]. */
function dump(doc: IniDocument): Array<[string, number, Record<string, string>]> {
  return doc.sections().map((s) => [s.name, s.line, s.toRecord()]);
}

// --- lossless round trip -------------------------------------------------------------------

Deno.test({
  name: "IniDocument.parse() keeps CRLF line endings",
  permissions: "none",
  fn() {
    const text = "[default]\r\nregion = us-east-1\r\n\r\n[profile dev]\r\nregion = eu-west-1\r\n";
    const doc = config(text);
    assert.equal(doc.toString(), text);
    assert.equal(doc.eol, "\r\n");
    assert.equal(doc.section("profile dev")?.get("region"), "eu-west-1");
  },
});

Deno.test({
  name: "IniDocument.toString() gives back the exact bytes of tricky files",
  permissions: "none",
  async fn(t) {
    const cases: Array<[string, string]> = [
      ["empty", ""],
      ["only a newline", "\n"],
      ["mixed line endings", "[a]\r\nk = 1\nj = 2\r\n\n"],
      ["lone CR line endings", "[a]\rk = 1\r\rj = 2\r"],
      ["no final newline", "[a]\nk = 1"],
      ["no final newline after a comment", "[a]\nk = 1\n# end"],
      ["byte order mark", "\uFEFF[a]\nk = 1\n"],
      ["tabs and trailing whitespace", "[a]\t\n\tk\t=\tv\t\n   \n"],
      ["comments of every kind", "# a\n; b\n   # c\n\t; d\n[a]\n#e\nk = 1 # not a comment\n"],
      ["non-ASCII", "[profile café]\ndescription = 日本語 ☕\n"],
      ["continuation lines", "[a]\nk = 1\n  2\n\n  3\n# c\n    4\n"],
      ["whitespace-only lines", "[a]\n \t \nk = v\n\u00a0\n"],
    ];
    for (const [name, text] of cases) {
      await t.step(name, () => assert.equal(config(text).toString(), text));
    }
  },
});

Deno.test({
  name: "IniDocument.parse() notes a byte order mark and reads past it",
  permissions: "none",
  fn() {
    const doc = config("\uFEFF[default]\nregion = x\n");
    assert.equal(doc.bom, true);
    assert.equal(doc.section("default")?.get("region"), "x");
    assert.equal(config("[default]\n").bom, false);
  },
});

Deno.test({
  name: "IniDocument.parse() splits lines like Python's universal newlines",
  permissions: "none",
  fn() {
    const doc = config("[a]\rk = 1\r\nj = 2\n");
    assert.deepEqual(dump(doc), [["a", 1, { k: "1", j: "2" }]]);
    assert.equal(config("[a]\rk = 1\r").eol, "\r");
    assert.equal(config("[a]\r\nk = 1\nj = 2\n").eol, "\n");
  },
});

// --- reading semantics (botocore) ----------------------------------------------------------

Deno.test({
  name: "IniSection.get() reads values as botocore does",
  permissions: "none",
  async fn(t) {
    const cases: Array<[string, string, string, string | undefined]> = [
      ["no inline comments", "region = us-east-1 # x", "region", "us-east-1 # x"],
      ["semicolons stay", "region = a ; b", "region", "a ; b"],
      ["colon delimiter", "sso_role_name : ReadOnly", "sso_role_name", "ReadOnly"],
      ["first delimiter wins (colon)", "a:b = c", "a", "b = c"],
      ["first delimiter wins (equals)", "url = https://x:443", "url", "https://x:443"],
      ["no spaces", "k=v", "k", "v"],
      ["keys are case-insensitive", "Region = x", "REGION", "x"],
      ["values are stripped", "k =   v  \t", "k", "v"],
      ["empty value", "k =", "k", ""],
      ["quotes are kept", 'k = "v"', "k", '"v"'],
      ["keys may contain spaces", "my key = v", "my key", "v"],
      ["Python whitespace is stripped", "k =\u00a0v\u3000\x1c", "k", "v"],
      ["absent key", "k = v", "j", undefined],
      ["continuation joined with newlines", "k = 1\n  2\n\t3", "k", "1\n2\n3"],
      ["blank lines inside a value are kept", "k = 1\n\n  2\n\n", "k", "1\n\n2"],
      ["comments inside a value are skipped", "k = 1\n  # c\n  2", "k", "1\n2"],
      ["an indented header is a continuation", "k = 1\n  [b]", "k", "1\n[b]"],
      ["deeper indent than the key continues", "  k = 1\n    2\n  j = 3", "k", "1\n2"],
      ["same indent as the key is a new key", "  k = 1\n  j = 3", "j", "3"],
    ];
    for (const [name, body, key, want] of cases) {
      await t.step(name, () => assert.equal(config(`[a]\n${body}\n`).section("a")?.get(key), want));
    }
  },
});

Deno.test({
  name: "IniSection.subsection() parses nested sub-sections as botocore does",
  permissions: "none",
  fn() {
    const doc = config(
      "[default]\ns3 =\n  addressing_style = path\n\n  Signature_Version=s3v4\nregion = x\n",
    );
    const section = doc.section("default")!;
    assert.equal(section.get("s3"), "\naddressing_style = path\n\nSignature_Version=s3v4");
    assert.deepEqual(section.subsection("s3"), {
      addressing_style: "path",
      Signature_Version: "s3v4",
    });
    assert.equal(section.subsection("region"), undefined);
    assert.equal(section.subsection("missing"), undefined);
    assert.deepEqual(config("[a]\nk =\n\n").section("a")?.subsection("k"), undefined);
  },
});

Deno.test({
  name: "IniDocument.sections() lists every header in order with its line number",
  permissions: "none",
  fn() {
    const doc = config("# c\n\n[default]\nregion = x\n[DEFAULT]\n\n[Profile X]\n[profile x]\n");
    assert.deepEqual(doc.sections().map((s) => [s.name, s.line]), [
      ["default", 3],
      ["DEFAULT", 5],
      ["Profile X", 7],
      ["profile x", 8],
    ]);
  },
});

Deno.test({
  name: "IniSection.keys() lowercases keys and keeps file order",
  permissions: "none",
  fn() {
    const doc = config("[a]\nZ = 1\nA = 2\n");
    assert.deepEqual(doc.section("a")?.keys(), ["z", "a"]);
    assert.equal(doc.section("a")?.has("A"), true);
    assert.equal(doc.section("a")?.has("b"), false);
  },
});

Deno.test({
  name: "IniDocument.section() finds sections case-sensitively",
  permissions: "none",
  fn() {
    const doc = config("[Default]\nregion = x\n");
    assert.equal(doc.section("default"), undefined);
    assert.equal(doc.section("Default")?.get("region"), "x");
  },
});

// --- [DEFAULT] -----------------------------------------------------------------------------

Deno.test({
  name: "IniDocument leaks [DEFAULT] keys into every section as botocore does",
  permissions: "none",
  fn() {
    const doc = config(
      "[DEFAULT]\nregion = us-east-1\noutput = json\n[profile dev]\nregion = eu\n",
    );
    assert.deepEqual(doc.section("profile dev")?.toRecord(), { region: "eu", output: "json" });
    assert.deepEqual(doc.section("profile dev")?.keys(), ["region", "output"]);
    assert.deepEqual(doc.section("DEFAULT")?.toRecord(), { region: "us-east-1", output: "json" });
    assert.deepEqual(doc.names("profile"), ["dev"]);
  },
});

Deno.test({
  name: "IniDocument.parse() allows [DEFAULT] more than once but not a key twice in it",
  permissions: "none",
  fn() {
    const doc = config("[DEFAULT]\nregion = x\n[a]\n[DEFAULT]\noutput = y\n");
    assert.deepEqual(doc.section("a")?.toRecord(), { region: "x", output: "y" });
    assert.deepEqual(doc.section("DEFAULT")?.toRecord(), { region: "x", output: "y" });
    assert.throws(() => config("[DEFAULT]\nregion = x\n[DEFAULT]\nRegion = y\n"), {
      name: "SyntaxError",
      message:
        'Cannot parse /home/u/.aws/config: line 4: duplicate key "region" in section [DEFAULT]',
    });
  },
});

Deno.test({
  name: "IniDocument.set() and delete() never edit [DEFAULT] through another section",
  permissions: "none",
  fn() {
    const doc = config("[DEFAULT]\nregion = x\n[a]\nk = 1\n");
    doc.set("a", "region", "y");
    assert.equal(doc.toString(), "[DEFAULT]\nregion = x\n[a]\nk = 1\nregion = y\n");
    assert.equal(doc.delete("a", "region"), true);
    assert.equal(doc.section("a")?.get("region"), "x");
    assert.equal(doc.delete("a", "region"), false);
    doc.set("DEFAULT", "region", "z");
    assert.equal(doc.toString(), "[DEFAULT]\nregion = z\n[a]\nk = 1\n");
  },
});

Deno.test({
  name: "IniDocument.set() edits the [DEFAULT] section that holds the key",
  permissions: "none",
  fn() {
    const doc = config("[DEFAULT]\nregion = x\n[a]\n[DEFAULT]\noutput = y\n");
    doc.set("DEFAULT", "region", "z");
    doc.set("DEFAULT", "new", "n");
    assert.equal(doc.toString(), "[DEFAULT]\nregion = z\n[a]\n[DEFAULT]\noutput = y\nnew = n\n");
    assert.equal(doc.delete("DEFAULT", "region"), true);
    assert.equal(doc.toString(), "[DEFAULT]\n[a]\n[DEFAULT]\noutput = y\nnew = n\n");
  },
});

// --- errors --------------------------------------------------------------------------------

Deno.test({
  name: "IniDocument.parse() throws a SyntaxError naming the file and line where botocore fails",
  permissions: "none",
  async fn(t) {
    const cases: Array<[string, string, string]> = [
      ["duplicate section", "[a]\n[b]\n[a]\n", "line 3: duplicate section [a]"],
      [
        "duplicate key",
        "[profile dev]\nregion = x\n\n# c\n\n\nRegion = y\n",
        'line 7: duplicate key "region" in section [profile dev]',
      ],
      [
        "key before any section",
        "region = x\n[a]\n",
        'line 1: key "region" before the first section header',
      ],
      ["text before any section", "  junk\n[a]\n", "line 1: text before the first section header"],
      [
        "line without delimiter",
        "[a]\nk = 1\njunk\n",
        'line 3: no "=" or ":" in a line that is not a section header, a comment or an indented continuation',
      ],
      ["missing key", "[a]\n = 1\n", 'line 2: missing key before "="'],
      ["missing key before colon", "[a]\n: 1\n", 'line 2: missing key before ":"'],
      [
        "header without closing bracket",
        "[a]\n[profile dev\n",
        'line 2: section header has no closing "]"',
      ],
      [
        "header without closing bracket but with a delimiter",
        "[a]\n[profile dev region = x\n",
        'line 2: section header has no closing "]"',
      ],
      ["empty section name", "[]\n", 'line 1: empty section name "[]"'],
      [
        "nested line without =",
        "[a]\ns3 =\n  x = 1\n  bad\n",
        'line 4: no "=" in a line of the sub-section "s3"',
      ],
      [
        "nested line with colon",
        "[a]\ns3 =\n  x : 1\n",
        'line 3: no "=" in a line of the sub-section "s3"',
      ],
      [
        "nested [DEFAULT] line leaking into a section",
        "[DEFAULT]\ns3 =\n  bad\n[a]\n",
        'line 3: no "=" in a line of the sub-section "s3"',
      ],
      [
        "CRLF line numbers",
        "[a]\r\nk = 1\r\nk = 2\r\n",
        'line 3: duplicate key "k" in section [a]',
      ],
      ["lone CR line numbers", "[a]\rk = 1\rk = 2\r", 'line 3: duplicate key "k" in section [a]'],
    ];
    for (const [name, text, detail] of cases) {
      await t.step(name, () => {
        assert.throws(() => config(text), {
          name: "SyntaxError",
          message: `Cannot parse /home/u/.aws/config: ${detail}`,
        });
      });
    }
  },
});

Deno.test({
  name: "IniDocument.parse() accepts what botocore accepts around those errors",
  permissions: "none",
  async fn(t) {
    const cases: Array<[string, string]> = [
      ["same name in different case", "[a]\n[A]\n"],
      ["a header with trailing text", "[a] # c\nk = 1\n"],
      ["a header with a bracket inside", "[a]]\n"],
      [
        "[DEFAULT]'s bad nested value that no section reads",
        "[DEFAULT]\ns3 =\n  bad\n[a]\ns3 = 1\n",
      ],
      ["[DEFAULT]'s bad nested value with no other section", "[DEFAULT]\ns3 =\n  bad\n"],
      ["a nested value with a blank line", "[a]\ns3 =\n\n  x = 1\n"],
    ];
    for (const [name, text] of cases) await t.step(name, () => void config(text));
  },
});

Deno.test({
  name: "IniDocument.parse() never puts a value in an error message",
  permissions: "none",
  fn() {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    for (
      const text of [
        `aws_secret_access_key = ${secret}\n[a]\n`,
        `[a]\n${secret}\n`,
        `[a]\naws_secret_access_key = ${secret}\naws_secret_access_key = ${secret}\n`,
        `[a]\ns =\n  ${secret}\n`,
      ]
    ) {
      assert.throws(() => credentials(text), (err: Error) => !err.message.includes(secret));
    }
  },
});

Deno.test({
  name: "IniDocument.parse() names the file kind when no path is given",
  permissions: "none",
  fn() {
    assert.throws(() => IniDocument.parse("junk"), {
      message: /^Cannot parse the config file: line 1: /,
    });
    assert.throws(() => IniDocument.parse("junk", { kind: "credentials" }), {
      message: /^Cannot parse the credentials file: line 1: /,
    });
  },
});

// --- profile mapping -----------------------------------------------------------------------

Deno.test({
  name: "parseSectionName() maps headers as botocore's build_profile_map does",
  permissions: "none",
  async fn(t) {
    const cases: Array<[string, "config" | "credentials", unknown]> = [
      ["default", "config", { type: "profile", name: "default" }],
      ["profile dev", "config", { type: "profile", name: "dev" }],
      ["profile  dev", "config", { type: "profile", name: "dev" }],
      ["profile\tdev", "config", { type: "profile", name: "dev" }],
      ['profile "a b"', "config", { type: "profile", name: "a b" }],
      ["profile 'a b'", "config", { type: "profile", name: "a b" }],
      ["profile a\\ b", "config", { type: "profile", name: "a b" }],
      ["profile ''", "config", { type: "profile", name: "" }],
      ["profile default", "config", { type: "profile", name: "default" }],
      ["profiles x", "config", { type: "profile", name: "x" }],
      ["profilefoo bar", "config", { type: "profile", name: "bar" }],
      ["profilefoo", "config", undefined],
      ["profile", "config", undefined],
      ["profile a b", "config", undefined],
      ['profile "unclosed', "config", undefined],
      ["profile trailing\\", "config", undefined],
      [" profile x", "config", undefined],
      ["Profile x", "config", undefined],
      ["Default", "config", undefined],
      ["DEFAULT", "config", undefined],
      ["plugins", "config", undefined],
      ["sso-session corp", "config", { type: "sso-session", name: "corp" }],
      ["sso-session 'my corp'", "config", { type: "sso-session", name: "my corp" }],
      ["services local", "config", { type: "services", name: "local" }],
      ["dev", "credentials", { type: "profile", name: "dev" }],
      ["profile dev", "credentials", { type: "profile", name: "profile dev" }],
      ["DEFAULT", "credentials", undefined],
    ];
    for (const [header, kind, want] of cases) {
      await t.step(
        `[${header}] in ${kind}`,
        () => assert.deepEqual(parseSectionName(header, kind), want),
      );
    }
  },
});

Deno.test({
  name: "IniDocument.lookup() lets the later of [default] and [profile default] win",
  permissions: "none",
  fn() {
    const first = config("[default]\nregion = a\n[profile default]\nregion = b\n");
    assert.equal(first.lookup({ type: "profile", name: "default" })?.get("region"), "b");
    const second = config("[profile default]\nregion = b\n[default]\nregion = a\n");
    assert.equal(second.lookup({ type: "profile", name: "default" })?.get("region"), "a");
    assert.equal(second.section("profile default")?.get("region"), "a");
    assert.deepEqual(second.names("profile"), ["default"]);
  },
});

Deno.test({
  name: "IniDocument.lookup() lets the last section mapped to a profile win without merging",
  permissions: "none",
  fn() {
    const doc = config('[profile dev]\nregion = a\noutput = json\n[profile "dev"]\nregion = b\n');
    assert.deepEqual(doc.lookup({ type: "profile", name: "dev" })?.toRecord(), { region: "b" });
    assert.equal(doc.lookup({ type: "profile", name: "dev" })?.line, 4);
  },
});

Deno.test({
  name: "IniDocument.lookup() uses bare section names in the credentials file",
  permissions: "none",
  fn() {
    const doc = credentials("[default]\nk = 1\n[profile dev]\nk = 2\n[dev]\nk = 3\n");
    assert.deepEqual(doc.names("profile"), ["default", "profile dev", "dev"]);
    assert.equal(doc.lookup({ type: "profile", name: "dev" })?.get("k"), "3");
    assert.equal(doc.lookup({ type: "sso-session", name: "dev" }), undefined);
    assert.equal(doc.hasSection("profile dev"), true);
    assert.equal(doc.section("dev")?.get("k"), "3");
  },
});

// --- set() ---------------------------------------------------------------------------------

Deno.test({
  name:
    "IniDocument.set() replaces a value keeping the line's indentation and delimiter, the key as given",
  permissions: "none",
  async fn(t) {
    const cases: Array<[string, string, string, string]> = [
      ["spaces around =", "region = a", "b", "region = b"],
      ["no spaces", "region=a", "b", "region=b"],
      ["colon", "Region : a", "b", "region = b"],
      ["colon without space after", "region:a", "b", "region = b"],
      ["colon, empty new value", "region: a", "", "region ="],
      ["indented with a tab", "\tregion\t=\ta", "b", "\tregion\t=\tb"],
      ["trailing whitespace dropped", "region = a   ", "b", "region = b"],
      ["empty old value", "region =", "b", "region = b"],
      ["empty old value without space", "region=", "b", "region=b"],
      ["empty new value", "region = a", "", "region ="],
      ["matched case-insensitively, written as given", "REGION = a", "b", "region = b"],
      ["the key's own spacing", "\tREGION  \t= a", "b", "\tregion  \t= b"],
    ];
    for (const [name, line, value, want] of cases) {
      await t.step(name, () => {
        const doc = config(`[a]\n${line}\nk = 1\n`);
        doc.set("a", "region", value);
        assert.equal(doc.toString(), `[a]\n${want}\nk = 1\n`);
        assert.equal(doc.section("a")?.get("region"), value);
      });
    }
  },
});

Deno.test({
  name: "IniDocument.set() drops the continuation lines of the old value",
  permissions: "none",
  fn() {
    const doc = config("[a]\nk = 1\n  2\n\n# c\n  3\nj = 4\n");
    doc.set("a", "k", "x");
    assert.equal(doc.toString(), "[a]\nk = x\nj = 4\n");
    const mixed = config("[a]\nk = 1\r\n  2\nj = 3");
    mixed.set("a", "k", "x");
    assert.equal(mixed.toString(), "[a]\nk = x\r\nj = 3");
    const last = config("[a]\nk = 1\r\n  2");
    last.set("a", "k", "x");
    assert.equal(last.toString(), "[a]\nk = x");
    const nested = config("[a]\ns3 =\n  x = 1\n");
    nested.set("a", "s3", "flat");
    assert.equal(nested.toString(), "[a]\ns3 = flat\n");
  },
});

Deno.test({
  name: "IniDocument.set() inserts a new key after the section's last key",
  permissions: "none",
  async fn(t) {
    const cases: Array<[string, string, string]> = [
      [
        "before trailing comments and blanks",
        "[a]\nk = 1\n# c\n\n[b]\n",
        "[a]\nk = 1\nnew = v\n# c\n\n[b]\n",
      ],
      ["after continuation lines", "[a]\nk = 1\n  2\n[b]\n", "[a]\nk = 1\n  2\nnew = v\n[b]\n"],
      ["right after the header when empty", "[a]\n# c\n[b]\n", "[a]\nnew = v\n# c\n[b]\n"],
      ["with the last key's indentation", "[a]\n  k = 1\n[b]\n", "[a]\n  k = 1\n  new = v\n[b]\n"],
      ["at the end of the file", "[a]\nk = 1\n", "[a]\nk = 1\nnew = v\n"],
      ["adding the missing final newline", "[a]\nk = 1", "[a]\nk = 1\nnew = v\n"],
      ["in a CRLF file", "[a]\r\nk = 1\r\n", "[a]\r\nk = 1\r\nnew = v\r\n"],
      ["in a mostly CRLF file", "[a]\r\nk = 1\r\nj = 2\n", "[a]\r\nk = 1\r\nj = 2\nnew = v\r\n"],
      [
        "indented so an indented next header stays a header",
        "[a]\n  [b]\nk = 1\n",
        "[a]\n  new = v\n  [b]\nk = 1\n",
      ],
    ];
    for (const [name, text, want] of cases) {
      await t.step(name, () => {
        const doc = config(text);
        doc.set("a", "new", "v");
        assert.equal(doc.toString(), want);
        assert.deepEqual(dump(config(want)), dump(doc));
      });
    }
  },
});

Deno.test({
  name: "IniDocument.set() edits the section botocore reads for a profile",
  permissions: "none",
  async fn(t) {
    await t.step("extra spaces in the header", () => {
      const doc = config("[profile  dev]\nregion = a\n");
      doc.set("profile dev", "region", "b");
      assert.equal(doc.toString(), "[profile  dev]\nregion = b\n");
    });
    await t.step("quoted header", () => {
      const doc = config("[profile 'a b']\nregion = a\n");
      doc.set('profile "a b"', "region", "b");
      assert.equal(doc.toString(), "[profile 'a b']\nregion = b\n");
    });
    await t.step("the later of two sections", () => {
      const doc = config('[profile dev]\nregion = a\n[profile "dev"]\nregion = b\n');
      doc.set("profile dev", "region", "c");
      assert.equal(doc.toString(), '[profile dev]\nregion = a\n[profile "dev"]\nregion = c\n');
    });
    await t.step("[profile default] for default", () => {
      const doc = config("[profile default]\nregion = a\n");
      doc.set("default", "region", "b");
      assert.equal(doc.toString(), "[profile default]\nregion = b\n");
    });
  },
});

Deno.test({
  name: "IniDocument.set() creates a missing section at the end",
  permissions: "none",
  fn() {
    const doc = config("[default]\nregion = x\n");
    doc.set("profile dev", "credential_process", "aws-sso process --profile dev");
    assert.equal(
      doc.toString(),
      "[default]\nregion = x\n\n[profile dev]\ncredential_process = aws-sso process --profile dev\n",
    );
    const empty = config("");
    empty.set("default", "region", "x");
    assert.equal(empty.toString(), "[default]\nregion = x\n");
  },
});

Deno.test({
  name: "IniDocument.set() rejects what would not read back",
  permissions: "none",
  async fn(t) {
    const cases: Array<[string, string, string, string]> = [
      ["LF in the value", "a", "k", "x\ny"],
      ["CR in the value", "a", "k", "x\ry"],
      ["whitespace around the value", "a", "k", " x"],
      ["LF in the key", "a", "k\nj", "x"],
      ["CR in the section", "a\r", "k", "x"],
      ["empty section", "", "k", "x"],
      ["empty key", "a", "", "x"],
      ["key with =", "a", "k=j", "x"],
      ["key with :", "a", "k:j", "x"],
      ["key starting with [", "a", "[k", "x"],
      ["key starting with #", "a", "#k", "x"],
      ["key starting with ;", "a", ";k", "x"],
      ["key with surrounding space", "a", " k", "x"],
    ];
    for (const [name, section, key, value] of cases) {
      await t.step(name, () => {
        const doc = config("[a]\n");
        assert.throws(() => doc.set(section, key, value), TypeError);
        assert.equal(doc.toString(), "[a]\n");
      });
    }
    await t.step("the message never shows the value", () => {
      assert.throws(
        () => config("").set("a", "aws_secret_access_key", "s3cr3t\n"),
        (err: Error) => err instanceof TypeError && !err.message.includes("s3cr3t"),
      );
    });
  },
});

// --- delete() ------------------------------------------------------------------------------

Deno.test({
  name: "IniDocument.delete() removes a key with its continuation lines",
  permissions: "none",
  fn() {
    const doc = config("[a]\nk = 1\n  2\n\n# inside\n  3\n# after\nj = 4\n");
    assert.equal(doc.delete("a", "K"), true);
    assert.equal(doc.toString(), "[a]\n# after\nj = 4\n");
    assert.equal(doc.delete("a", "k"), false);
    assert.equal(doc.delete("missing", "k"), false);
  },
});

Deno.test({
  name: "IniDocument.delete() keeps a file without final newline as it is",
  permissions: "none",
  fn() {
    const doc = config("[a]\nj = 1\nk = 2");
    doc.delete("a", "k");
    assert.equal(doc.toString(), "[a]\nj = 1\n");
    const last = config("[a]\nk = 2\nj = 1");
    last.delete("a", "k");
    assert.equal(last.toString(), "[a]\nj = 1");
  },
});

// --- addSection() --------------------------------------------------------------------------

Deno.test({
  name: "IniDocument.addSection() appends like the AWS CLI, with a blank line before",
  permissions: "none",
  async fn(t) {
    const cases: Array<[string, string, string]> = [
      ["empty file", "", "[new]\n"],
      ["final newline", "[a]\nk = 1\n", "[a]\nk = 1\n\n[new]\n"],
      ["no final newline", "[a]\nk = 1", "[a]\nk = 1\n\n[new]\n"],
      ["already a blank line", "[a]\nk = 1\n\n", "[a]\nk = 1\n\n[new]\n"],
      ["CRLF", "[a]\r\nk = 1\r\n", "[a]\r\nk = 1\r\n\r\n[new]\r\n"],
      ["only comments", "# c\n", "# c\n\n[new]\n"],
      ["byte order mark kept", "\uFEFF[a]\n", "\uFEFF[a]\n\n[new]\n"],
    ];
    for (const [name, text, want] of cases) {
      await t.step(name, () => {
        const doc = config(text);
        assert.equal(doc.addSection("new"), true);
        assert.equal(doc.toString(), want);
        assert.equal(
          doc.section("new")?.line,
          want.replace(/^\uFEFF/, "").split(/\r?\n/).indexOf("[new]") + 1,
        );
      });
    }
  },
});

Deno.test({
  name: "IniDocument.addSection() does nothing when botocore already maps the name",
  permissions: "none",
  fn() {
    const doc = config("[profile  dev]\n");
    assert.equal(doc.addSection("profile dev"), false);
    assert.equal(doc.addSection("profile 'dev'"), false);
    assert.equal(doc.toString(), "[profile  dev]\n");
    assert.throws(() => doc.addSection("a\nb"), TypeError);
    assert.throws(() => doc.addSection(""), TypeError);
  },
});

// --- removeSection() -----------------------------------------------------------------------

Deno.test({
  name: "IniDocument.removeSection() removes a section and tidies around it",
  permissions: "none",
  async fn(t) {
    const cases: Array<[string, string, string]> = [
      ["between blank lines", "[a]\nk = 1\n\n[b]\nk = 2\n\n[c]\n", "[a]\nk = 1\n\n[c]\n"],
      ["without blank lines", "[a]\nk = 1\n[b]\nk = 2\n[c]\n", "[a]\nk = 1\n[c]\n"],
      ["the first one", "[b]\nk = 2\n\n[c]\n", "[c]\n"],
      ["the last one", "[a]\nk = 1\n\n[b]\nk = 2\n", "[a]\nk = 1\n"],
      ["the last one without final newline", "[a]\nk = 1\n[b]\nk = 2", "[a]\nk = 1\n"],
      ["the only one", "[b]\nk = 2\n", ""],
      [
        "with its comment block above, after a blank line",
        "[a]\nk = 1\n\n# about b\n# more\n[b]\nk = 2\n\n[c]\n",
        "[a]\nk = 1\n\n[c]\n",
      ],
      [
        "keeping a comment glued to a key above",
        "[a]\nk = 1\n# j = 0\n[b]\nk = 2\n[c]\n",
        "[a]\nk = 1\n# j = 0\n[c]\n",
      ],
      [
        "keeping the comment block of the next section",
        "[b]\nk = 2\n# old = 1\n\n# about c\n[c]\n",
        "# about c\n[c]\n",
      ],
      ["with comments inside", "[b]\n# c\nk = 1\n  2\n# d\n[c]\n", "# d\n[c]\n"],
      ["the file's leading comment", "# top\n[b]\nk = 1\n[c]\n", "[c]\n"],
      [
        "keeping a separator after a blank line",
        "[a]\nk = 1\n\n[b]\nk = 2\n# j = 0\n\n# --- mine below ---\n\n[c]\n",
        "[a]\nk = 1\n\n# --- mine below ---\n\n[c]\n",
      ],
      [
        "keeping the end of the file after a blank line",
        "[a]\nk = 1\n\n[b]\nk = 2\n\n# vim: set ft=dosini:\n",
        "[a]\nk = 1\n\n# vim: set ft=dosini:\n",
      ],
      [
        "unindenting a next header that would turn into a continuation",
        "[a]\nk = 1\n[b]\n  [c]\nj = 2\n",
        "[a]\nk = 1\n[c]\nj = 2\n",
      ],
    ];
    for (const [name, text, want] of cases) {
      await t.step(name, () => {
        const doc = config(text);
        assert.equal(doc.removeSection("b"), true);
        assert.equal(doc.toString(), want);
        assert.deepEqual(dump(config(want)), dump(doc));
      });
    }
  },
});

Deno.test({
  name: "IniDocument.removeSection() removes every section botocore maps to the name",
  permissions: "none",
  fn() {
    const doc = config('[profile dev]\nk = 1\n[x]\n[profile "dev"]\nk = 2\n');
    assert.equal(doc.removeSection("profile dev"), true);
    assert.equal(doc.toString(), "[x]\n");
    assert.equal(doc.removeSection("profile dev"), false);
    const both = config("[default]\nk = 1\n[profile default]\nk = 2\n[x]\n");
    both.removeSection("default");
    assert.equal(both.toString(), "[x]\n");
    const defaults = config("[DEFAULT]\nk = 1\n[x]\n[DEFAULT]\nj = 2\n");
    defaults.removeSection("DEFAULT");
    assert.deepEqual(dump(defaults), [["x", 1, {}]]);
  },
});

Deno.test({
  name: "IniDocument.removeSection() with a test removes only the sections that pass it",
  permissions: "none",
  fn() {
    const text = '[profile "dev"]\nrole_arn = mine\n\n[x]\n[profile dev]\nmarker = corp\n';
    const doc = config(text);
    assert.equal(doc.removeSection("profile dev", (s) => s.has("marker")), true);
    assert.equal(doc.toString(), '[profile "dev"]\nrole_arn = mine\n\n[x]\n');
    assert.deepEqual(doc.lookup({ type: "profile", name: "dev" })?.toRecord(), {
      role_arn: "mine",
    });
    assert.equal(doc.removeSection("profile dev", (s) => s.has("marker")), false);
    assert.deepEqual(dump(doc), dump(config(doc.toString())));
  },
});

Deno.test({
  name: "IniDocument keeps line numbers right after edits",
  permissions: "none",
  fn() {
    const doc = config("[a]\nk = 1\n[b]\nk = 2\n[c]\nk = 3\n");
    doc.set("a", "j", "x");
    doc.removeSection("b");
    doc.addSection("d");
    doc.set("c", "k", "y");
    assert.deepEqual(dump(doc), dump(config(doc.toString())));
    assert.deepEqual(doc.sections().map((s) => s.line), [1, 4, 7]);
  },
});

Deno.test({
  name: "IniSection views are snapshots taken before later edits",
  permissions: "none",
  fn() {
    const doc = config("[a]\nk = 1\n");
    const before = doc.section("a")!;
    doc.set("a", "k", "2");
    assert.equal(before.get("k"), "1");
    assert.equal(doc.section("a")?.get("k"), "2");
  },
});

// --- size ----------------------------------------------------------------------------------

Deno.test({
  name: "IniDocument.parse() reads a 10,000-profile config",
  permissions: "none",
  fn() {
    const text = makeBigConfig(10_000);
    const started = performance.now();
    const doc = config(text);
    const elapsed = performance.now() - started;
    assert.equal(doc.toString(), text);
    const names = doc.names("profile");
    assert.equal(names.length, 10_000);
    assert.equal(
      doc.lookup({ type: "profile", name: "p9999-Admin" })?.get("sso_account_id"),
      "100000009999",
    );
    // The bench (bench/ini_bench.ts) holds the 50 ms budget; this only catches a quadratic slip.
    assert.ok(elapsed < 1000, `parse took ${elapsed.toFixed(0)} ms`);
    doc.set("profile p5000-Admin", "region", "eu-west-1");
    doc.removeSection("profile p5001-Admin");
    assert.equal(doc.names("profile").length, 9_999);
    assert.deepEqual(dump(doc), dump(config(doc.toString())));
  },
});
