/**
 * Where the AWS config and credentials files are, loading them, and botocore's view of their
 * profiles, sso-sessions and services sections (spec §5).
 *
 * @module
 */

import { expandHome } from "./home_dir.ts";
import {
  type AwsFileKind,
  IniDocument,
  parseSectionName,
  type SectionRef,
} from "./ini_document.ts";
import type { ReadTextFileOptions } from "../runtime.ts";

/** Reads an environment variable, e.g. `runtime.env`. */
export type EnvReader = (name: string) => string | undefined;

/** What {@linkcode loadAwsFile} needs of the runtime; a `Runtime` has it. */
export interface AwsFileRuntime {
  /** Reads an environment variable. */
  env: EnvReader;
  /** File access. */
  fs: {
    /** Reads a UTF-8 file, or `null` when it does not exist; see `FileSystem.readTextFile`. */
    readTextFile(path: string, options?: ReadTextFileOptions): Promise<string | null>;
  };
}

/** A loaded AWS file. */
export interface AwsFile {
  /** Which file. */
  kind: AwsFileKind;
  /** Its path, after `~` and `$VAR` expansion. */
  path: string;
  /** Whether the file exists (a missing file reads as empty). */
  exists: boolean;
  /** The text as read (`""` for a missing file). */
  text: string;
  /** The parsed document. */
  doc: IniDocument;
}

/**
 * Expands `$NAME` and `${NAME}` as Python's `os.path.expandvars` does on POSIX (unknown
 * variables are left as written), then a leading `~` as botocore's `os.path.expanduser` does.
 */
function expandPath(path: string, env: EnvReader): string {
  const expanded = path.replace(/\$(\w+|\{[^}]*\})/g, (all, name: string) => {
    return env(name.startsWith("{") ? name.slice(1, -1) : name) ?? all;
  });
  return expandHome(expanded, env);
}

/** The path of one of the files: the variable if set and not empty, else `~/.aws/NAME`. */
function awsFilePath(env: EnvReader, variable: string, name: string): string {
  return expandPath(env(variable) || `~/.aws/${name}`, env);
}

/**
 * The config file's path: `AWS_CONFIG_FILE`, else `~/.aws/config`, with `$VAR` and `~`
 * expanded as botocore does. The home folder is `HOME`, then `USERPROFILE` (then `HOMEDRIVE` +
 * `HOMEPATH`). An empty `AWS_CONFIG_FILE` counts as unset, as in the JS SDK (botocore would read
 * no file at all).
 *
 * @param env reads an environment variable (`runtime.env`)
 * @returns the path
 * @throws {TypeError} when the path needs the home folder and none is set
 * @example
 * ```ts
 * import { configFilePath } from "./aws_files.ts";
 * import assert from "node:assert/strict";
 *
 * const vars: Record<string, string> = { HOME: "/home/u" };
 * assert.equal(configFilePath((n) => vars[n]), "/home/u/.aws/config");
 * vars.AWS_CONFIG_FILE = "~/work/config";
 * assert.equal(configFilePath((n) => vars[n]), "/home/u/work/config");
 * ```
 */
export function configFilePath(env: EnvReader): string {
  return awsFilePath(env, "AWS_CONFIG_FILE", "config");
}

/**
 * The credentials file's path: `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`, expanded
 * like {@linkcode configFilePath}.
 *
 * @param env reads an environment variable (`runtime.env`)
 * @returns the path
 * @throws {TypeError} when the path needs the home folder and none is set
 * @example
 * ```ts
 * import { credentialsFilePath } from "./aws_files.ts";
 * import assert from "node:assert/strict";
 *
 * const vars: Record<string, string> = { USERPROFILE: "/profiles/u" };
 * assert.equal(credentialsFilePath((n) => vars[n]), "/profiles/u/.aws/credentials");
 * ```
 */
export function credentialsFilePath(env: EnvReader): string {
  return awsFilePath(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
}

/**
 * Reads and parses the config or credentials file through `runtime.fs`. A missing file is not an
 * error: it gives an empty document.
 *
 * @param runtime the file system and environment
 * @param kind which file
 * @returns the path, text and document
 * @throws {SyntaxError} when botocore could not parse the file, or it is not UTF-8 text (the message
 *   names it and the line)
 * @throws {TypeError} when the path needs the home folder and none is set
 * @example
 * ```ts
 * import { loadAwsFile } from "./aws_files.ts";
 * import assert from "node:assert/strict";
 *
 * const files: Record<string, string> = { "/home/u/.aws/config": "[profile dev]\nregion = x\n" };
 * const runtime = {
 *   env: (n: string) => (n === "HOME" ? "/home/u" : undefined),
 *   fs: { readTextFile: (p: string) => Promise.resolve(files[p] ?? null) },
 * };
 * const config = await loadAwsFile(runtime, "config");
 * assert.equal(config.doc.lookup({ type: "profile", name: "dev" })?.get("region"), "x");
 * const credentials = await loadAwsFile(runtime, "credentials");
 * assert.equal(credentials.exists, false);
 * ```
 */
export async function loadAwsFile(
  runtime: AwsFileRuntime,
  kind: AwsFileKind,
): Promise<AwsFile> {
  const path = kind === "config" ? configFilePath(runtime.env) : credentialsFilePath(runtime.env);
  let read: string | null;
  try {
    read = await runtime.fs.readTextFile(path, { strict: true });
  } catch (err) {
    // Read as U+FFFD, such bytes would be written back changed; botocore refuses the file too.
    if (err instanceof Deno.errors.InvalidData) throw new SyntaxError(err.message, { cause: err });
    throw err;
  }
  const text = read ?? "";
  return {
    kind,
    path,
    exists: read !== null,
    text,
    doc: IniDocument.parse(text, { file: path, kind }),
  };
}

/**
 * The profile names botocore finds in a document, in order of first appearance: `[default]` and
 * `[profile NAME]` in the config file, every section but `[DEFAULT]` in the credentials file.
 *
 * @param doc a parsed config or credentials file
 * @returns the names
 * @throws never
 * @example
 * ```ts
 * import { profileNames } from "./aws_files.ts";
 * import { IniDocument } from "./ini_document.ts";
 * import assert from "node:assert/strict";
 *
 * const doc = IniDocument.parse("[default]\n[profile \"a b\"]\n[sso-session s]\n[profilefoo]\n");
 * assert.deepEqual(profileNames(doc), ["default", "a b"]);
 * ```
 */
export function profileNames(doc: IniDocument): string[] {
  return doc.names("profile");
}

/**
 * A profile's keys as botocore reads them: lowercased keys, `[DEFAULT]` keys leaking in, and
 * nested sub-sections (`s3 =` then indented lines) as their raw text starting with `\n` (read them
 * with `doc.lookup(ref)?.subsection(key)`). When several sections map to the profile, the last
 * one wins, as in botocore.
 *
 * @param doc a parsed config or credentials file
 * @param name the profile name (`default` for `[default]`)
 * @returns a new object, or `undefined` when there is no such profile
 * @throws never
 * @example
 * ```ts
 * import { getProfile } from "./aws_files.ts";
 * import { IniDocument } from "./ini_document.ts";
 * import assert from "node:assert/strict";
 *
 * const doc = IniDocument.parse("[profile  dev]\nSSO_Session : corp\n");
 * assert.deepEqual(getProfile(doc, "dev"), { sso_session: "corp" });
 * assert.equal(getProfile(doc, "prod"), undefined);
 * ```
 */
export function getProfile(doc: IniDocument, name: string): Record<string, string> | undefined {
  return doc.lookup({ type: "profile", name })?.toRecord();
}

/**
 * An `[sso-session NAME]` section's keys (config file only), like {@linkcode getProfile}.
 *
 * @param doc a parsed config file
 * @param name the session name
 * @returns a new object, or `undefined` when there is no such session
 * @throws never
 * @example
 * ```ts
 * import { getSsoSession } from "./aws_files.ts";
 * import { IniDocument } from "./ini_document.ts";
 * import assert from "node:assert/strict";
 *
 * const doc = IniDocument.parse("[sso-session corp]\nsso_region = eu-west-1\n");
 * assert.deepEqual(getSsoSession(doc, "corp"), { sso_region: "eu-west-1" });
 * ```
 */
export function getSsoSession(doc: IniDocument, name: string): Record<string, string> | undefined {
  return doc.lookup({ type: "sso-session", name })?.toRecord();
}

/**
 * A `[services NAME]` section's sub-sections (config file only): service id (lowercased, e.g.
 * `sso_oidc`) → its keys (as written, e.g. `endpoint_url`). Keys that are not sub-sections are
 * left out; read them with `doc.lookup(ref)`.
 *
 * @param doc a parsed config file
 * @param name the services section name, as a profile's `services` key names it
 * @returns a new object, or `undefined` when there is no such section
 * @throws never
 * @example
 * ```ts
 * import { getServices } from "./aws_files.ts";
 * import { IniDocument } from "./ini_document.ts";
 * import assert from "node:assert/strict";
 *
 * const doc = IniDocument.parse("[services local]\nsso_oidc =\n  endpoint_url = http://127.0.0.1:9000\n");
 * assert.deepEqual(getServices(doc, "local"), { sso_oidc: { endpoint_url: "http://127.0.0.1:9000" } });
 * ```
 */
export function getServices(
  doc: IniDocument,
  name: string,
): Record<string, Record<string, string>> | undefined {
  const section = doc.lookup({ type: "services", name });
  if (!section) return undefined;
  const pairs: Array<[string, Record<string, string>]> = [];
  for (const key of section.keys()) {
    const sub = section.subsection(key);
    if (sub) pairs.push([key, sub]);
  }
  return Object.fromEntries(pairs);
}

/** Python's `shlex.quote`. */
function shlexQuote(s: string): string {
  if (s === "") return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}

/**
 * The section header name for a profile, sso-session or services section, as `aws configure set`
 * writes it: `default` stays `default`, others get their prefix (`profile dev`), and a name with
 * a space or tab is shlex-quoted (`profile 'a b'`). A name that botocore's `shlex.split` would
 * otherwise misread (quotes, backslashes) is quoted too, where the CLI would write a header that
 * botocore cannot map back. In the credentials file a profile's section is its bare name.
 *
 * @param ref what the section is for
 * @param kind which file
 * @returns the name to put between the brackets
 * @throws {TypeError} when the name is empty or holds a line break, or a space or tab before `#` or
 *   `;` (where the JS SDK's reader cuts the line), for a non-profile section in the credentials
 *   file, or for the profile `DEFAULT` there (configparser's defaults section)
 * @example
 * ```ts
 * import { sectionName } from "./aws_files.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sectionName({ type: "profile", name: "a b" }, "config"), "profile 'a b'");
 * assert.equal(sectionName({ type: "sso-session", name: "corp" }, "config"), "sso-session corp");
 * assert.equal(sectionName({ type: "profile", name: "dev" }, "credentials"), "dev");
 * ```
 */
export function sectionName(ref: SectionRef, kind: AwsFileKind): string {
  const { type, name } = ref;
  if (name === "" || /[\r\n]/.test(name)) {
    throw new TypeError(
      `Invalid ${type} name ${JSON.stringify(name)}: it is empty or holds a line break`,
    );
  }
  if (/\s[#;]/.test(name)) {
    // The JS SDK cuts every line there: the header would end at it, and the keys below would land
    // in the section before (a role's keys in [default]).
    throw new TypeError(
      `Invalid ${type} name ${JSON.stringify(name)}: " #" or " ;" starts a comment for the JS SDK`,
    );
  }
  if (kind === "credentials") {
    if (type !== "profile") {
      throw new TypeError(`Cannot write a ${type} section to the credentials file`);
    }
    if (name === "DEFAULT") {
      throw new TypeError(
        'Invalid profile name "DEFAULT" for the credentials file: [DEFAULT] holds defaults for every section',
      );
    }
    return name;
  }
  if (type === "profile" && name === "default") return "default";
  const plain = `${type} ${name}`;
  const quote = /[ \t]/.test(name) || parseSectionName(plain, "config")?.name !== name;
  return quote ? `${type} ${shlexQuote(name)}` : plain;
}

/**
 * The section header name for a profile: {@linkcode sectionName} with `type: "profile"`.
 *
 * @param name the profile name
 * @param kind which file
 * @returns the name to put between the brackets
 * @throws {TypeError} as {@linkcode sectionName}
 * @example
 * ```ts
 * import { profileSectionName } from "./aws_files.ts";
 * import { IniDocument } from "./ini_document.ts";
 * import assert from "node:assert/strict";
 *
 * const doc = IniDocument.parse("[profile  dev]\nregion = x\n");
 * doc.set(profileSectionName("dev", "config"), "credential_process", "aws-sso process -p dev");
 * assert.equal(doc.toString(), "[profile  dev]\nregion = x\ncredential_process = aws-sso process -p dev\n");
 * ```
 */
export function profileSectionName(name: string, kind: AwsFileKind): string {
  return sectionName({ type: "profile", name }, kind);
}
