/**
 * Differential tests: the corpus in tests/testdata/ini and random files are read by IniDocument,
 * by botocore (Debian's /usr/bin/python3 with python3-botocore, the parser of the AWS CLI v2)
 * and by the JS SDK's loader (@smithy/shared-ini-file-loader).
 *
 * We follow botocore: every corpus file must read the same as in botocore, except two deliberate
 * differences that have their own tests. Every place where the JS SDK reads differently has a
 * named test below showing both readings.
 *
 * botocore is required, not optional: without /usr/bin/python3 and botocore these tests fail
 * (CI installs python3-botocore).
 */

import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import fc from "fast-check";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import {
  type AwsFileKind,
  IniDocument,
  type IniSection,
  type SectionType,
} from "../../src/config/ini_document.ts";
import { withTmpDir } from "../helpers.ts";

const CORPUS = new URL("../testdata/ini/", import.meta.url).pathname;

/** The corpus files, `*.config.ini` and `*.credentials.ini`. */
function corpusFiles(): string[] {
  return [...Deno.readDirSync(CORPUS)].map((e) => e.name).filter((n) => n.endsWith(".ini")).sort();
}

/** A corpus file's kind, from its name. */
function kindOf(file: string): AwsFileKind {
  return file.endsWith(".credentials.ini") ? "credentials" : "config";
}

// --- botocore ------------------------------------------------------------------------------

type Nested = Record<string, string | Record<string, string>>;

/** What botocore read: `raw_config_parse` and, for the config file, `build_profile_map`. */
type BotoResult =
  | {
    ok: true;
    raw: Record<string, Nested>;
    profiles: Record<string, Nested>;
    sso_sessions: Record<string, Nested>;
    services: Record<string, Nested>;
  }
  | { ok: false; error: string };

const BOTOCORE_SCRIPT = `
import json, shlex, sys
import botocore.configloader as cl

def services_map(raw):
    # AWS CLI v2's build_profile_map also maps [services NAME]; Debian's botocore 1.29 predates
    # that, so apply the CLI v2 rule (the same shlex rule as for profiles) here.
    services = {}
    for key, values in raw.items():
        if key.startswith("services"):
            try:
                parts = shlex.split(key)
            except ValueError:
                continue
            if len(parts) == 2:
                services[parts[1]] = values
    return services

out = []
for path in sys.argv[1:]:
    try:
        raw = cl.raw_config_parse(path)
        m = cl.build_profile_map(raw)
        out.append({"ok": True, "raw": raw, "profiles": m["profiles"],
                    "sso_sessions": m["sso_sessions"], "services": services_map(raw)})
    except Exception as e:
        out.append({"ok": False, "error": type(e).__name__ + ": " + str(e)})
json.dump(out, sys.stdout)
`;

/** Reads files with botocore in one Python process. Fails loudly if botocore is missing. */
async function botocore(paths: string[]): Promise<BotoResult[]> {
  const hint = "the differential tests need /usr/bin/python3 with botocore " +
    "(Debian: apt-get install python3-botocore)";
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", BOTOCORE_SCRIPT, ...paths],
      clearEnv: true,
      env: {
        PYTHONUTF8: "1",
        PYTHONDONTWRITEBYTECODE: "1",
        LANG: "C.UTF-8",
        PATH: "/usr/bin:/bin",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    throw new Error(`Cannot run /usr/bin/python3: ${hint}`, { cause: err });
  }
  if (!out.success) {
    throw new Error(`botocore failed: ${hint}\n${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** A section with nested sub-sections as objects, as botocore's `raw_config_parse` gives it. */
function nested(section: IniSection): Nested {
  return Object.fromEntries(
    section.keys().map((k) => [k, section.subsection(k) ?? section.get(k)!]),
  );
}

/** The sections of one type, as botocore's `build_profile_map` gives them. */
function mapped(doc: IniDocument, type: SectionType): Record<string, Nested> {
  return Object.fromEntries(
    doc.names(type).map((n) => [n, nested(doc.lookup({ type, name: n })!)]),
  );
}

/** Our reading in botocore's shape. */
function oursAsBotocore(doc: IniDocument): Omit<Extract<BotoResult, { ok: true }>, "ok"> {
  const raw = Object.fromEntries(
    doc.sections().filter((s) => s.name !== "DEFAULT").map((s) => [s.name, nested(s)]),
  );
  if (doc.kind === "credentials") return { raw, profiles: raw, sso_sessions: {}, services: {} };
  return {
    raw,
    profiles: mapped(doc, "profile"),
    sso_sessions: mapped(doc, "sso-session"),
    services: mapped(doc, "services"),
  };
}

/** Compares our reading of a text with botocore's; returns a description of the difference. */
function compareWithBotocore(
  text: string,
  kind: AwsFileKind,
  boto: BotoResult,
): string | undefined {
  let doc: IniDocument;
  try {
    doc = IniDocument.parse(text, { kind });
  } catch (err) {
    return boto.ok ? `we throw "${(err as Error).message}", botocore reads it` : undefined;
  }
  if (!boto.ok) return `botocore throws ${boto.error}, we read it`;
  const ours = oursAsBotocore(doc);
  const theirs = kind === "credentials"
    ? { raw: boto.raw, profiles: boto.raw, sso_sessions: {}, services: {} }
    : {
      raw: boto.raw,
      profiles: boto.profiles,
      sso_sessions: boto.sso_sessions,
      services: boto.services,
    };
  return isDeepStrictEqual(ours, theirs)
    ? undefined
    : `ours ${JSON.stringify(ours)}\nbotocore ${JSON.stringify(theirs)}`;
}

// --- JS SDK --------------------------------------------------------------------------------

type Flat = Record<string, Record<string, string>>;

/** Reads a file with the JS SDK's loader (which never throws: it swallows errors into `{}`). */
async function jsSdk(path: string, kind: AwsFileKind): Promise<Flat> {
  const missing = join(CORPUS, "does-not-exist");
  const files = await loadSharedConfigFiles({
    filepath: kind === "credentials" ? path : missing,
    configFilepath: kind === "config" ? path : missing,
    ignoreCache: true,
  });
  return (kind === "config" ? files.configFile : files.credentialsFile) as Flat;
}

/** A botocore-shaped reading in the JS SDK's shape (`name`, `sso-session.name`, …). */
function jsShape(reading: Omit<Extract<BotoResult, { ok: true }>, "ok">, kind: AwsFileKind): Flat {
  const flatten = (s: Nested) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === "string") out[k] = v;
      else for (const [sk, sv] of Object.entries(v)) out[`${k}.${sk}`] = sv;
    }
    return out;
  };
  const out: Flat = {};
  for (const [n, s] of Object.entries(reading.profiles)) out[n] = flatten(s);
  if (kind === "config") {
    for (const [n, s] of Object.entries(reading.sso_sessions)) out[`sso-session.${n}`] = flatten(s);
    for (const [n, s] of Object.entries(reading.services)) out[`services.${n}`] = flatten(s);
  }
  return out;
}

/** Ours and the JS SDK's reading of one corpus file. */
async function readBoth(file: string): Promise<{ ours: IniDocument | Error; js: Flat }> {
  const kind = kindOf(file);
  const text = await Deno.readTextFile(join(CORPUS, file));
  let ours: IniDocument | Error;
  try {
    ours = IniDocument.parse(text, { file, kind });
  } catch (err) {
    ours = err as Error;
  }
  return { ours, js: await jsSdk(join(CORPUS, file), kind) };
}

/** Our reading of a corpus file in the JS SDK's shape, or `"error"`. */
function oursAsJs(ours: IniDocument | Error): Flat | "error" {
  return ours instanceof Error ? "error" : jsShape(oursAsBotocore(ours), ours.kind);
}

/** A corpus file we read; fails the test if we cannot. */
function doc(ours: IniDocument | Error): IniDocument {
  if (ours instanceof Error) throw ours;
  return ours;
}

// --- corpus vs botocore --------------------------------------------------------------------

/** Corpus files where we deliberately read differently from botocore (tested below). */
const BOTOCORE_DEVIATIONS = new Set(["bom.config.ini", "unclosed_header_with_equals.config.ini"]);

Deno.test("IniDocument reads every corpus file as botocore does", async () => {
  const files = corpusFiles();
  assert.ok(files.length >= 40, `only ${files.length} corpus files`);
  const boto = await botocore(files.map((f) => join(CORPUS, f)));
  const differ: string[] = [];
  for (const [i, file] of files.entries()) {
    const text = await Deno.readTextFile(join(CORPUS, file));
    const diff = compareWithBotocore(text, kindOf(file), boto[i]!);
    if (diff && !BOTOCORE_DEVIATIONS.has(file)) differ.push(`${file}: ${diff}`);
    if (!diff && BOTOCORE_DEVIATIONS.has(file)) differ.push(`${file}: expected to differ`);
  }
  assert.deepEqual(differ, []);
});

Deno.test("IniDocument.toString() gives back every corpus file byte for byte", async () => {
  for (const file of corpusFiles()) {
    const bytes = await Deno.readFile(join(CORPUS, file));
    let parsed: IniDocument;
    try {
      parsed = IniDocument.parse(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes), {
        kind: kindOf(file),
      });
    } catch {
      continue;
    }
    assert.deepEqual(new TextEncoder().encode(parsed.toString()), bytes, file);
  }
});

Deno.test("IniDocument accepts a byte order mark that botocore rejects, as the JS SDK does", async () => {
  const [boto] = await botocore([join(CORPUS, "bom.config.ini")]);
  assert.equal(boto!.ok, false);
  const { ours, js } = await readBoth("bom.config.ini");
  assert.equal(doc(ours).bom, true);
  assert.deepEqual(oursAsJs(ours), { default: { region: "us-east-1" } });
  assert.deepEqual(js, { default: { region: "us-east-1" } });
});

Deno.test("IniDocument rejects an unclosed header that botocore reads as a key", async () => {
  const [boto] = await botocore([join(CORPUS, "unclosed_header_with_equals.config.ini")]);
  // botocore: key "[profile dev region" = "eu-west-1" in [default]; a typo it silently accepts.
  assert.deepEqual(boto!.ok && boto!.raw, {
    default: { region: "us-east-1", "[profile dev region": "eu-west-1" },
  });
  const { ours } = await readBoth("unclosed_header_with_equals.config.ini");
  assert.ok(ours instanceof SyntaxError);
  assert.match(ours.message, /line 3: section header has no closing "\]"/);
});

// --- corpus vs the JS SDK ------------------------------------------------------------------

/** One way the JS SDK reads differently, with the corpus files showing it. */
interface JsDifference {
  name: string;
  files: string[];
  check(read: Record<string, { ours: IniDocument | Error; js: Flat }>): void;
}

const JS_DIFFERENCES: JsDifference[] = [
  {
    name: "IniDocument keeps inline comments in values; the JS SDK strips ' #' and ' ;'",
    files: ["inline_comment.config.ini", "credential_process.config.ini"],
    check(read) {
      const inline = read["inline_comment.config.ini"]!;
      assert.equal(doc(inline.ours).section("default")?.get("region"), "us-east-1 # the region");
      assert.equal(inline.js.default?.region, "us-east-1");
      assert.equal(doc(inline.ours).section("default")?.get("output"), "json ; the output");
      assert.equal(inline.js.default?.output, "json");
      // Both keep a # that does not follow whitespace.
      assert.equal(inline.js.dev?.sso_role_name, "Read#Only");
      const process = read["credential_process.config.ini"]!;
      assert.equal(
        doc(process.ours).section("profile prod")?.get("credential_process"),
        "aws-sso process --profile prod # note",
      );
      assert.equal(process.js.prod?.credential_process, "aws-sso process --profile prod");
      assert.equal(process.js.dev?.credential_process, 'aws-sso process --profile "a#b"');
    },
  },
  {
    name: "IniDocument reads ':' as a delimiter; the JS SDK only knows '='",
    files: ["colon_delimiter.config.ini"],
    check(read) {
      const { ours, js } = read["colon_delimiter.config.ini"]!;
      assert.deepEqual(doc(ours).section("default")?.toRecord(), {
        region: "us-east-1",
        output: "json",
      });
      assert.equal(js.default, undefined);
      assert.equal(doc(ours).section("profile dev")?.get("sso_role_name"), "Admin=Full");
      assert.equal(js.dev?.["sso_role_name : Admin"], "Full");
    },
  },
  {
    name: "IniDocument lowercases keys; the JS SDK keeps their case",
    files: ["key_case.config.ini"],
    check(read) {
      const { ours, js } = read["key_case.config.ini"]!;
      assert.deepEqual(doc(ours).section("default")?.toRecord(), {
        region: "us-east-1",
        output: "json",
      });
      assert.deepEqual(js.default, { Region: "us-east-1", OUTPUT: "json" });
    },
  },
  {
    name: "IniDocument rejects duplicate sections and keys; the JS SDK merges or overwrites",
    files: [
      "duplicate_section.config.ini",
      "duplicate_key.config.ini",
      "duplicate_key_case.config.ini",
      "default_duplicate_key.config.ini",
    ],
    check(read) {
      assert.match(
        String(read["duplicate_section.config.ini"]!.ours),
        /line 5: duplicate section \[profile dev\]/,
      );
      assert.deepEqual(read["duplicate_section.config.ini"]!.js.dev, {
        region: "eu-west-1",
        output: "json",
      });
      assert.match(
        String(read["duplicate_key.config.ini"]!.ours),
        /line 4: duplicate key "region"/,
      );
      assert.equal(read["duplicate_key.config.ini"]!.js.dev?.region, "us-west-2");
      assert.match(
        String(read["duplicate_key_case.config.ini"]!.ours),
        /line 3: duplicate key "region"/,
      );
      assert.deepEqual(read["duplicate_key_case.config.ini"]!.js.dev, {
        region: "eu-west-1",
        Region: "us-west-2",
      });
      assert.match(
        String(read["default_duplicate_key.config.ini"]!.ours),
        /line 4: duplicate key "region"/,
      );
    },
  },
  {
    name:
      "IniDocument lets the later of [default] and [profile default] win; the JS SDK prefers [profile default]",
    files: ["default_both_reversed.config.ini"],
    check(read) {
      const { ours, js } = read["default_both_reversed.config.ini"]!;
      assert.deepEqual(doc(ours).lookup({ type: "profile", name: "default" })?.toRecord(), {
        region: "us-east-1",
        output: "json",
      });
      assert.deepEqual(js.default, { region: "eu-west-1" });
    },
  },
  {
    name: "IniDocument lets the last section mapped to a profile win whole; the JS SDK merges them",
    files: ["shadowed_profile.config.ini"],
    check(read) {
      const { ours, js } = read["shadowed_profile.config.ini"]!;
      assert.deepEqual(doc(ours).lookup({ type: "profile", name: "dev" })?.toRecord(), {
        region: "us-west-2",
      });
      assert.deepEqual(js.dev, { region: "us-west-2", output: "json" });
    },
  },
  {
    name:
      "IniDocument splits headers with shlex; the JS SDK needs one space and no spaces in names",
    files: [
      "header_spacing.config.ini",
      "header_quoted.config.ini",
      "sso_session_names.config.ini",
    ],
    check(read) {
      assert.deepEqual(doc(read["header_spacing.config.ini"]!.ours).names("profile"), [
        "dev",
        "prod",
      ]);
      assert.deepEqual(read["header_spacing.config.ini"]!.js, {});
      assert.deepEqual(doc(read["header_quoted.config.ini"]!.ours).names("profile"), [
        "a b",
        "c d",
        "e",
      ]);
      assert.deepEqual(Object.keys(read["header_quoted.config.ini"]!.js), ["e"]);
      assert.deepEqual(doc(read["sso_session_names.config.ini"]!.ours).names("sso-session"), [
        "corp",
        "my corp",
        "spaced",
      ]);
      assert.deepEqual(Object.keys(read["sso_session_names.config.ini"]!.js), ["sso-session.corp"]);
    },
  },
  {
    name:
      "IniDocument reads text after a header's ']' as botocore does; the JS SDK drops the header",
    files: ["header_trailing.config.ini", "header_bracket_equals.config.ini"],
    check(read) {
      const trailing = read["header_trailing.config.ini"]!;
      // "[profile d]]" is the header "profile d]", so profile "d]".
      assert.deepEqual(doc(trailing.ours).names("profile"), ["a", "b", "c", "d]"]);
      // JS: "[profile c] trailing words" is no header, so its key overwrites profile b's.
      assert.deepEqual(trailing.js, { a: { region: "eu-west-1" }, b: { region: "ap-south-1" } });
      const equals = read["header_bracket_equals.config.ini"]!;
      assert.equal(
        doc(equals.ours).lookup({ type: "profile", name: "b" })?.get("region"),
        "us-west-2",
      );
      assert.deepEqual(equals.js, { a: { region: "us-west-2", "[profile b]": "x" } });
    },
  },
  {
    name:
      "IniDocument maps [profiles x] and [profilefoo bar] to profiles as botocore does; the JS SDK ignores them",
    files: ["profile_prefix_quirks.config.ini"],
    check(read) {
      const { ours, js } = read["profile_prefix_quirks.config.ini"]!;
      assert.deepEqual(doc(ours).names("profile"), ["x", "ok"]);
      assert.deepEqual(Object.keys(js), ["ok"]);
    },
  },
  {
    name: "IniDocument joins indented continuation lines; the JS SDK has none",
    files: [
      "continuation.config.ini",
      "continuation_blank.config.ini",
      "indented_header_continuation.config.ini",
    ],
    check(read) {
      const cont = read["continuation.config.ini"]!;
      assert.equal(doc(cont.ours).section("default")?.get("ca_bundle"), "first\nsecond\nthird");
      assert.equal(cont.js.default?.ca_bundle, "first");
      const blank = read["continuation_blank.config.ini"]!;
      assert.equal(doc(blank.ours).section("default")?.get("note"), "one\n\ntwo\nthree");
      assert.equal(blank.js.default?.note, "one");
      const header = read["indented_header_continuation.config.ini"]!;
      assert.deepEqual(doc(header.ours).names("profile"), ["a"]);
      assert.deepEqual(doc(header.ours).section("profile a")?.toRecord(), {
        region: "eu-west-1\n[profile b]",
        output: "json",
      });
      assert.deepEqual(header.js, { a: { region: "eu-west-1" }, b: { output: "json" } });
    },
  },
  {
    name: "IniDocument keeps empty values and empty sections; the JS SDK drops them",
    files: ["empty_value.config.ini", "empty_section.config.ini"],
    check(read) {
      const value = read["empty_value.config.ini"]!;
      assert.deepEqual(doc(value.ours).section("default")?.toRecord(), {
        region: "",
        output: "",
        cli_pager: "less",
      });
      // JS: "k =" opens a sub-section; an unindented line closes it again.
      assert.deepEqual(value.js.default, { cli_pager: "less" });
      const section = read["empty_section.config.ini"]!;
      assert.deepEqual(doc(section.ours).names("profile"), ["default", "empty", "dev"]);
      assert.deepEqual(Object.keys(section.js), ["dev"]);
    },
  },
  {
    name:
      "IniDocument leaks [DEFAULT] keys into every section as botocore does; the JS SDK does not",
    files: ["default_leak.config.ini", "default_leak.credentials.ini", "default_multi.config.ini"],
    check(read) {
      const config = read["default_leak.config.ini"]!;
      assert.deepEqual(doc(config.ours).lookup({ type: "profile", name: "dev" })?.toRecord(), {
        region: "eu-west-1",
        output: "json",
      });
      assert.deepEqual(config.js.dev, { region: "eu-west-1" });
      const credentials = read["default_leak.credentials.ini"]!;
      assert.deepEqual(doc(credentials.ours).names("profile"), ["dev"]);
      assert.equal(
        doc(credentials.ours).lookup({ type: "profile", name: "dev" })?.get("aws_session_token"),
        "shared",
      );
      assert.deepEqual(credentials.js.DEFAULT, { aws_session_token: "shared" });
      const multi = read["default_multi.config.ini"]!;
      assert.deepEqual(doc(multi.ours).lookup({ type: "profile", name: "dev" })?.toRecord(), {
        sso_role_name: "Admin",
        region: "us-east-1",
        output: "json",
      });
    },
  },
  {
    name: "IniDocument reads non-ASCII profile names; the JS SDK cannot",
    files: ["unicode.config.ini"],
    check(read) {
      const { ours, js } = read["unicode.config.ini"]!;
      assert.deepEqual(doc(ours).names("profile"), ["default", "café", "日本"]);
      assert.deepEqual(Object.keys(js), ["default"]);
      assert.equal(js.default?.description, "café ☕ 日本語");
    },
  },
  {
    name: "IniDocument strips Python's whitespace (\\x1c); the JS SDK's trim() does not",
    files: ["unicode_whitespace.config.ini"],
    check(read) {
      const { ours, js } = read["unicode_whitespace.config.ini"]!;
      assert.deepEqual(doc(ours).section("default")?.toRecord(), {
        region: "us-east-1",
        output: "json",
        cli_pager: "less",
      });
      assert.equal(js.default?.region, "us-east-1");
      assert.equal(js.default?.cli_pager, "less\x1c");
    },
  },
  {
    name: "IniDocument ends lines at a lone CR as Python does; the JS SDK only at LF",
    files: ["lone_cr.config.ini"],
    check(read) {
      const { ours, js } = read["lone_cr.config.ini"]!;
      assert.deepEqual(doc(ours).names("profile"), ["default", "dev"]);
      assert.deepEqual(js, {});
    },
  },
  {
    name: "IniDocument rejects malformed lines as botocore does; the JS SDK skips them",
    files: [
      "key_before_section.config.ini",
      "no_delimiter.config.ini",
      "empty_key.config.ini",
      "unclosed_header.config.ini",
      "unclosed_header_with_equals.config.ini",
      "nested_bad.config.ini",
      "nested_colon.config.ini",
    ],
    check(read) {
      for (const file of this.files) assert.ok(read[file]!.ours instanceof SyntaxError, file);
      assert.deepEqual(read["key_before_section.config.ini"]!.js, { default: { output: "json" } });
      assert.deepEqual(read["no_delimiter.config.ini"]!.js, { default: { region: "us-east-1" } });
      assert.deepEqual(read["unclosed_header.config.ini"]!.js, {
        default: { region: "eu-west-1" },
      });
    },
  },
  {
    name: "IniDocument reads a [profile __proto__]; the JS SDK throws and reads nothing",
    files: ["proto.config.ini"],
    check(read) {
      const { ours, js } = read["proto.config.ini"]!;
      assert.deepEqual(doc(ours).names("profile"), ["__proto__", "ok"]);
      const ok = doc(ours).lookup({ type: "profile", name: "ok" })!.toRecord();
      assert.equal(Object.getPrototypeOf(ok), Object.prototype);
      assert.equal(ok["__proto__"], "x");
      assert.deepEqual(js, {});
    },
  },
  {
    name:
      "IniDocument reads credentials file sections as bare profile names; the JS SDK splits prefixes",
    files: ["profile_prefix.credentials.ini", "odd_names.credentials.ini"],
    check(read) {
      const prefix = read["profile_prefix.credentials.ini"]!;
      assert.deepEqual(doc(prefix.ours).names("profile"), ["profile dev", "dev"]);
      assert.deepEqual(Object.keys(prefix.js).sort(), ["dev", "profile.dev"]);
      const odd = read["odd_names.credentials.ini"]!;
      assert.deepEqual(doc(odd.ours).names("profile"), ["a b", "sso-session x"]);
      assert.deepEqual(Object.keys(odd.js), ["sso-session.x"]);
    },
  },
];

Deno.test("IniDocument reads like the JS SDK exactly where botocore does", async () => {
  const files = corpusFiles();
  const boto = await botocore(files.map((f) => join(CORPUS, f)));
  const listed = new Set(JS_DIFFERENCES.flatMap((d) => d.files));
  const wrong: string[] = [];
  for (const [i, file] of files.entries()) {
    const { ours, js } = await readBoth(file);
    const weAgree = isDeepStrictEqual(oursAsJs(ours), js);
    const b = boto[i]!;
    const reading = b.ok && kindOf(file) === "credentials" ? { ...b, profiles: b.raw } : b;
    const botoAgrees = reading.ok && isDeepStrictEqual(jsShape(reading, kindOf(file)), js);
    if (weAgree === listed.has(file)) {
      wrong.push(
        `${file}: ${
          weAgree ? "agrees with the JS SDK but is listed" : "differs but is not listed"
        }`,
      );
    }
    if (weAgree !== botoAgrees && !BOTOCORE_DEVIATIONS.has(file)) {
      wrong.push(
        `${file}: botocore ${botoAgrees ? "agrees" : "differs"}, we ${
          weAgree ? "agree" : "differ"
        }`,
      );
    }
  }
  assert.deepEqual(wrong, []);
});

for (const difference of JS_DIFFERENCES) {
  Deno.test(difference.name, async () => {
    const read: Record<string, { ours: IniDocument | Error; js: Flat }> = {};
    for (const file of difference.files) read[file] = await readBoth(file);
    difference.check(read);
  });
}

Deno.test("IniDocument.set() adds a key that botocore and the JS SDK both read, beside a nested sub-section", async (t) => {
  // The JS SDK reads every indented line after `s3 =` as part of the sub-section until a line
  // that is not indented: a new indented key after it would become `s3.region` there.
  const cases: [string, string][] = [
    ["indented keys", "[profile p]\n  k = 1\n  s3 =\n    max_concurrent_requests = 5\n"],
    ["the sub-section first", "[profile p]\n  s3 =\n    max_concurrent_requests = 5\n  k = 1\n"],
    ["keys at column 0", "[profile p]\nk = 1\ns3 =\n  max_concurrent_requests = 5\n"],
    ["then another section", "[profile p]\n  s3 =\n    addressing_style = path\n[profile q]\n"],
  ];
  await using tmp = await withTmpDir();
  for (const [name, text] of cases) {
    await t.step(name, async () => {
      const doc = IniDocument.parse(text, { kind: "config" });
      doc.set("profile p", "region", "eu-west-1");
      const path = join(tmp.path, "config");
      await Deno.writeTextFile(path, doc.toString());
      const js = await jsSdk(path, "config");
      assert.equal(js["p"]?.["region"], "eu-west-1", doc.toString());
      assert.equal(js["p"]?.["s3.region"], undefined, doc.toString());
      const [boto] = await botocore([path]);
      assert.ok(boto?.ok, doc.toString());
      assert.equal(boto.profiles["p"]?.["region"], "eu-west-1", doc.toString());
      assert.ok(doc.toString().startsWith(text.slice(0, text.indexOf("\n") + 1)));
    });
  }
});

// --- random files and edits vs botocore ----------------------------------------------------

const SECTION_NAMES = [
  "default",
  "DEFAULT",
  "profile a",
  "profile  a",
  'profile "a"',
  "profile 'a b'",
  "profile a b",
  "profilea",
  "profiles b",
  "Profile a",
  "profile\tc",
  "sso-session s",
  "sso-session 's t'",
  "services x",
  "plugins",
  "a]b",
  'profile "x',
  "profile x\\",
  " profile y ",
];

const indent = fc.constantFrom("", "", "", " ", "  ", "\t", "    ");
const space = fc.constantFrom("", " ", " ", "  ", "\t", "\u00a0", "\x1c", "\u3000");
const key = fc.stringMatching(/^[a-cA-C_]{1,2}$/);
const text = fc.stringMatching(/^[a-z0-9 =:#;"'\]\u00e9\t]{0,8}$/);
const continuation = fc.stringMatching(/^[a-z0-9=:\]][a-z0-9 =:#;\]\t]{0,6}$/);

/** One line of a random file; most are valid, some are not. */
const randomLine: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(
      indent,
      fc.constantFrom(...SECTION_NAMES),
      fc.constantFrom("", "", " # c", " x"),
    ).map(([i, n, t]) => `${i}[${n}]${t}`),
  },
  {
    weight: 8,
    arbitrary: fc.tuple(indent, key, space, fc.constantFrom("=", "=", ":"), space, text, space).map(
      ([i, k, a, d, b, v, c]) => `${i}${k}${a}${d}${b}${v}${c}`,
    ),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(indent, fc.constantFrom("#", ";"), text).map(([i, c, t]) => `${i}${c}${t}`),
  },
  { weight: 2, arbitrary: space },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom("  ", "\t", "      "), continuation).map(([i, t]) =>
      `${i}${t}`
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(indent, key, space, fc.constantFrom("=", ":")).map(([i, k, a, d]) =>
      `${i}${k}${a}${d}`
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom("junk", "  bad nested", "= v") },
);

/** A random file: lines with random line endings, maybe without a final one. */
const randomFile: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.tuple(randomLine, fc.constantFrom("\n", "\n", "\r\n", "\r")), { maxLength: 14 }),
    fc.boolean(),
  )
  .map(([lines, finalEol]) =>
    lines.map(([l, e], i) => (i === lines.length - 1 && !finalEol ? l : l + e)).join("")
  );

/** A random edit, applied to whatever the document holds when it runs. */
type Edit =
  | { op: "set"; section: number | string; key: string; value: string }
  | { op: "delete"; section: number; key: string }
  | { op: "add"; section: string }
  | { op: "remove"; section: number | string };

const sectionPick = fc.oneof(
  fc.nat(20),
  fc.constantFrom(...SECTION_NAMES.filter((n) => n !== "DEFAULT")),
);
const value = fc.stringMatching(
  /^([a-z0-9=:#;"'\u00e9]([a-z0-9 =:#;"'\u00e9]{0,6}[a-z0-9=:#;"'\u00e9])?)?$/,
);
const randomEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant("set" as const), section: sectionPick, key, value }),
  fc.record({ op: fc.constant("delete" as const), section: fc.nat(20), key }),
  fc.record({ op: fc.constant("add" as const), section: fc.constantFrom(...SECTION_NAMES) }),
  fc.record({ op: fc.constant("remove" as const), section: sectionPick }),
);

/** The section name an edit targets. */
function target(doc: IniDocument, pick: number | string): string | undefined {
  if (typeof pick === "string") return pick;
  const names = doc.sections().map((s) => s.name).filter((n) => n !== "DEFAULT");
  return names.length === 0 ? undefined : names[pick % names.length];
}

/** Applies an edit. */
function applyEdit(doc: IniDocument, edit: Edit): void {
  const name = target(doc, edit.section);
  if (name === undefined) return;
  if (edit.op === "set") doc.set(name, edit.key, edit.value);
  else if (edit.op === "delete") doc.delete(name, edit.key);
  else if (edit.op === "add") doc.addSection(name);
  else doc.removeSection(name);
}

Deno.test("IniDocument reads random files and its edits of them as botocore does", async () => {
  const seed = Date.now() ^ (Math.random() * 0x7fffffff);
  const samples = fc.sample(
    fc.tuple(
      randomFile,
      fc.constantFrom<AwsFileKind>("config", "credentials"),
      fc.array(randomEdit, { maxLength: 4 }),
    ),
    { numRuns: 400, seed },
  );
  await using tmp = await withTmpDir();
  const cases: Array<{ text: string; kind: AwsFileKind; origin: string }> = [];
  for (const [text, kind, edits] of samples) {
    cases.push({ text, kind, origin: "random file" });
    let edited: IniDocument;
    try {
      edited = IniDocument.parse(text, { kind });
    } catch {
      continue;
    }
    for (const edit of edits) applyEdit(edited, edit);
    cases.push({
      text: edited.toString(),
      kind,
      origin: `${JSON.stringify(text)} after ${JSON.stringify(edits)}`,
    });
  }
  const paths = await Promise.all(cases.map(async (c, i) => {
    const path = join(tmp.path, `${i}.ini`);
    await Deno.writeTextFile(path, c.text);
    return path;
  }));
  const boto = await botocore(paths);
  const valid = boto.filter((b) => b.ok).length;
  assert.ok(valid > cases.length / 4, `too few valid samples: ${valid} of ${cases.length}`);
  for (const [i, c] of cases.entries()) {
    const diff = compareWithBotocore(c.text, c.kind, boto[i]!);
    assert.equal(
      diff,
      undefined,
      `seed ${seed}: ${c.kind} file ${
        JSON.stringify(c.text)
      } (${c.origin}) reads differently:\n${diff}`,
    );
  }
});
