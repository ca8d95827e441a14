/**
 * A lossless reader and editor for the AWS config and credentials files (spec §5).
 *
 * Reading follows botocore exactly: Python's `configparser.RawConfigParser` (delimiters `=` and
 * `:`, keys lowercased, whole-line comments only, indented continuation lines, `[DEFAULT]` keys
 * leaking into every section) and `build_profile_map` (`[profile NAME]` split with `shlex`). The
 * text is kept line by line, so {@linkcode IniDocument.toString} gives back the exact input, and
 * an edit changes only the lines it must.
 *
 * Where this module deliberately differs from botocore (both are documented on
 * {@linkcode IniDocument.parse}):
 * - a leading byte order mark is accepted (and kept); botocore cannot read such a file;
 * - a line starting with `[` that is not a complete header is an error even when it holds a
 *   delimiter (`[profile dev region=x`); botocore would read it as a key named `[profile dev region`.
 *
 * @module
 */

/** Which of the two AWS files a document is: it decides how section names map to profiles. */
export type AwsFileKind = "config" | "credentials";

/** The kinds of named sections of the config file. */
export type SectionType = "profile" | "sso-session" | "services";

/** What a section header stands for: `[profile dev]` is `{ type: "profile", name: "dev" }`. */
export interface SectionRef {
  /** `profile`, `sso-session` or `services`. */
  type: SectionType;
  /** The profile, session or services name. */
  name: string;
}

/** Options of {@linkcode IniDocument.parse}. */
export interface IniParseOptions {
  /**
   * The file's path, named in error messages (default: `the config file` or `the credentials
   * file`).
   */
  file?: string;
  /** Which AWS file the text is; decides the section mapping (default `"config"`). */
  kind?: AwsFileKind;
}

/**
 * A read-only view of one section, as botocore sees it. A view is a snapshot: fetch it again
 * after editing the document.
 */
export interface IniSection {
  /** The name between the brackets, exactly as written, e.g. `profile  dev`. */
  readonly name: string;
  /** The 1-based line number of the header. */
  readonly line: number;
  /** The section's text, header included, exactly as in the file. */
  readonly text: string;
  /**
   * A value, looked up case-insensitively. Keys of `[DEFAULT]` leak in, as in botocore. A
   * multi-line value is joined with `\n`; a nested sub-section (`s3 =` followed by indented lines)
   * is returned as its raw text, which starts with `\n` (see {@linkcode IniSection.subsection}).
   *
   * @param key the key, in any case
   * @returns the value, or `undefined` when the key is absent
   */
  get(key: string): string | undefined;
  /**
   * Whether a key is present (case-insensitive, `[DEFAULT]` keys included).
   *
   * @param key the key, in any case
   * @returns `true` when {@linkcode IniSection.get} would return a value
   */
  has(key: string): boolean;
  /**
   * The keys, lowercased: the section's own keys in file order, then the `[DEFAULT]` keys it
   * does not have (the order of `configparser.options()`).
   *
   * @returns the lowercased keys
   */
  keys(): string[];
  /**
   * All keys and values as a plain object with lowercased keys (nested sub-sections as raw text).
   *
   * @returns a new object
   */
  toRecord(): Record<string, string>;
  /**
   * A nested sub-section parsed as botocore does: a value that starts with a newline is split
   * into lines, and each non-blank line on its first `=`. Its keys keep their case.
   *
   * @param key the key holding the sub-section, e.g. `s3` or `sso_oidc`
   * @returns the sub-section, or `undefined` when the key is absent or its value is not nested
   *   (or, for a `[DEFAULT]` value that botocore never has to split, cannot be split)
   */
  subsection(key: string): Record<string, string> | undefined;
}

/** configparser's defaults section; its keys leak into every other section. */
const DEFAULTS = "DEFAULT";
const BOM = "\uFEFF";
const SECTION_TYPES: readonly SectionType[] = ["profile", "sso-session", "services"];

/** One `key = value` line and the continuation lines that follow it. */
interface Entry {
  /** The key as written, right-stripped. */
  key: string;
  /** The key lowercased, as botocore looks it up. */
  lower: string;
  /** Index in the block's lines of the key line. */
  start: number;
  /** Index in the block's lines of the last continuation line (or the key line). */
  end: number;
  /** The value as botocore reads it. */
  value: string;
  /** Continuation parts while parsing; `null` once the value is final. */
  parts: string[] | null;
  /** Blank lines seen since the last part, added only if another continuation follows. */
  blanks: number;
  /** Whether the key line's value is empty, so continuation lines make a nested sub-section. */
  nested: boolean;
}

/**
 * A header and every line up to the next header; the preamble has no header. The block keeps
 * its text as one string: lines are split out only when the block is edited.
 */
interface Block {
  /** The header name; `undefined` for the lines before the first header. */
  name: string | undefined;
  /** The block's text, line endings included. */
  text: string;
  /** How many lines the text has. */
  lineCount: number;
  /** The key entries in file order. */
  entries: Entry[];
  /** Entries by lowercased key, built on first use (see {@linkcode keysOf}). */
  keys: Map<string, Entry> | undefined;
  /** What the header maps to, worked out on first use; `null` when it maps to nothing. */
  ref?: SectionRef | null;
}

/** A block's entries by lowercased key. */
function keysOf(block: Block): Map<string, Entry> {
  if (block.keys) return block.keys;
  const keys = new Map<string, Entry>();
  for (const entry of block.entries) keys.set(entry.lower, entry);
  return (block.keys = keys);
}

/** Whether a block has a key; cheaper than a map for the few keys of most sections. */
function hasKey(block: Block, lower: string): boolean {
  const entries = block.entries;
  if (entries.length > 8) return keysOf(block).has(lower);
  for (let i = 0; i < entries.length; i++) if (entries[i]!.lower === lower) return true;
  return false;
}

/** Whether a UTF-16 code unit is whitespace for Python's `str.strip()` and `re` `\s`. */
function isPySpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13) || (c >= 28 && c <= 31);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** The index of the first non-whitespace character (Python's rules), or -1. */
function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) if (!isPySpace(s.charCodeAt(i))) return i;
  return -1;
}

/** The index of the last non-whitespace character (Python's rules), or -1. */
function lastNonSpace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (!isPySpace(s.charCodeAt(i))) return i;
  return -1;
}

/** Python's `str.strip()`. */
function pyStrip(s: string): string {
  const a = firstNonSpace(s);
  return a < 0 ? "" : s.slice(a, lastNonSpace(s) + 1);
}

/** Python's `str.rstrip()`. */
function pyRstrip(s: string): string {
  return s.slice(0, lastNonSpace(s) + 1);
}

/** Whether a UTF-16 code unit ends a line for Python's `str.splitlines()`. */
function isPyLineBreak(c: number): boolean {
  return c === 10 || c === 13 || c === 11 || c === 12 || c === 28 || c === 29 || c === 30 ||
    c === 0x85 || c === 0x2028 || c === 0x2029;
}

/** Python's `str.splitlines()` (without the line ends). */
function pySplitLines(s: string): string[] {
  const lines: string[] = [];
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isPyLineBreak(c)) continue;
    lines.push(s.slice(from, i));
    if (c === 13 && s.charCodeAt(i + 1) === 10) i++;
    from = i + 1;
  }
  if (from < s.length) lines.push(s.slice(from));
  return lines;
}

/** The length of a line without its line ending. */
function textEnd(line: string): number {
  const n = line.length;
  if (n === 0) return 0;
  const last = line.charCodeAt(n - 1);
  if (last === 10) return line.charCodeAt(n - 2) === 13 ? n - 2 : n - 1;
  return last === 13 ? n - 1 : n;
}

/** A line without its line ending. */
function stripEol(line: string): string {
  return line.slice(0, textEnd(line));
}

/** The line ending of a line (`""` for a last line without one). */
function eolOf(line: string): string {
  return line.slice(stripEol(line).length);
}

/** Whether a line is empty or whitespace only (Python's rules). */
function isBlank(line: string): boolean {
  return firstNonSpace(stripEol(line)) < 0;
}

/** Whether a line is a whole-line comment (`#` or `;` after optional whitespace). */
function isComment(line: string): boolean {
  const text = stripEol(line);
  const i = firstNonSpace(text);
  if (i < 0) return false;
  const c = text.charCodeAt(i);
  return c === 35 || c === 59;
}

/** The number of leading whitespace characters (Python's rules). */
function indentOf(line: string): number {
  const text = stripEol(line);
  const i = firstNonSpace(text);
  return i < 0 ? text.length : i;
}

/**
 * Splits text into lines with Python's universal newlines (`\r\n`, `\n` or a lone `\r`), each
 * keeping its line ending.
 */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  const n = text.length;
  let from = 0;
  if (text.indexOf("\r") < 0) {
    while (from < n) {
      const nl = text.indexOf("\n", from);
      if (nl < 0) break;
      lines.push(text.slice(from, nl + 1));
      from = nl + 1;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        lines.push(text.slice(from, i + 1));
        from = i + 1;
      }
    }
  }
  if (from < n) lines.push(text.slice(from));
  return lines;
}

/**
 * Python's `shlex.split(s)` (POSIX mode, no comments), or `undefined` where it raises
 * `ValueError` (an unclosed quote or a trailing backslash). botocore splits section headers and
 * `credential_process` lines with it.
 *
 * @param s the text
 * @returns the words
 */
export function shlexSplit(s: string): string[] | undefined {
  const out: string[] = [];
  if (!/["'\\]/.test(s)) {
    // No quotes or escapes: words between whitespace.
    let from = -1;
    for (let i = 0; i <= s.length; i++) {
      const c = i < s.length ? s.charCodeAt(i) : 32;
      const space = c === 32 || c === 9 || c === 13 || c === 10;
      if (space && from >= 0) out.push(s.slice(from, i)), (from = -1);
      else if (!space && from < 0) from = i;
    }
    return out;
  }
  let token = "";
  let inToken = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i++]!;
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      if (inToken) out.push(token);
      token = "";
      inToken = false;
      continue;
    }
    inToken = true;
    if (c === "\\") {
      if (i >= s.length) return undefined;
      token += s[i++];
    } else if (c === "'") {
      const close = s.indexOf("'", i);
      if (close < 0) return undefined;
      token += s.slice(i, close);
      i = close + 1;
    } else if (c === '"') {
      for (;;) {
        if (i >= s.length) return undefined;
        const d = s[i++]!;
        if (d === '"') break;
        if (d === "\\") {
          if (i >= s.length) return undefined;
          const e = s[i++]!;
          token += e === '"' || e === "\\" ? e : "\\" + e;
        } else {
          token += d;
        }
      }
    } else {
      token += c;
    }
  }
  if (inToken) out.push(token);
  return out;
}

/**
 * What a section header stands for, with botocore's `build_profile_map` rules.
 *
 * In the config file, a header that starts with `profile`, `sso-session` or `services` is split
 * with `shlex`, and only exactly two parts make it a profile, session or services section (so
 * `[profile  dev]` and `[profile "dev"]` are profile `dev`, while `[profilefoo]` and
 * `[profile a b]` are nothing). Like botocore, the first part is not checked: `[profiles x]` is
 * profile `x`. `[default]` is profile `default`. In the credentials file every section is a
 * profile of the same name. `[DEFAULT]` is configparser's defaults section in both files.
 *
 * @param header the name between the brackets, as written
 * @param kind which file the header is in
 * @returns what it stands for, or `undefined` for other sections (`[plugins]`, `[DEFAULT]`, …)
 * @throws never
 * @example
 * ```ts
 * import { parseSectionName } from "./ini_document.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseSectionName("profile 'a b'", "config"), { type: "profile", name: "a b" });
 * assert.deepEqual(parseSectionName("default", "config"), { type: "profile", name: "default" });
 * assert.equal(parseSectionName("profilefoo", "config"), undefined);
 * assert.deepEqual(parseSectionName("profile x", "credentials"), { type: "profile", name: "profile x" });
 * ```
 */
export function parseSectionName(header: string, kind: AwsFileKind): SectionRef | undefined {
  if (header === DEFAULTS) return undefined;
  if (kind === "credentials") return { type: "profile", name: header };
  for (const type of SECTION_TYPES) {
    if (header.startsWith(type)) {
      const parts = shlexSplit(header);
      return parts?.length === 2 ? { type, name: parts[1]! } : undefined;
    }
  }
  return header === "default" ? { type: "profile", name: "default" } : undefined;
}

/** Where a header is grouped: the type and name it maps to, or `""` and the header itself. */
function groupKey(ref: SectionRef | null | undefined, header: string): [string, string] {
  return ref ? [ref.type, ref.name] : ["", header];
}

/** A plain object from key-value pairs (a key `__proto__` becomes an own property). */
function record(pairs: Iterable<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) {
    if (k === "__proto__") {
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[k] = v;
  }
  return out;
}

/** An entry of a block by lowercased key. */
function findEntry(
  entries: readonly Entry[],
  keys: Map<string, Entry> | undefined,
  lower: string,
): Entry | undefined {
  if (keys) return keys.get(lower);
  for (let i = 0; i < entries.length; i++) if (entries[i]!.lower === lower) return entries[i];
  return undefined;
}

/** The `SyntaxError` for a line that cannot be parsed. */
function syntaxError(file: string, line: number, detail: string): SyntaxError {
  return new SyntaxError(`Cannot parse ${file}: line ${line}: ${detail}`);
}

/** What {@linkcode parseText} found. */
interface Parsed {
  preamble: Block;
  blocks: Block[];
  /** The most common line ending, `\n` when there is none. */
  eol: string;
}

/** Builds an empty block. */
function newBlock(name: string | undefined): Block {
  return { name, text: "", lineCount: 0, entries: [], keys: undefined };
}

/** Fixes a finished entry's value: continuation parts joined with `\n`, then right-stripped. */
function finish(entry: Entry | undefined): void {
  if (entry === undefined || entry.parts === null) return;
  entry.value = pyRstrip(entry.parts.join("\n"));
  entry.parts = null;
}

/** Whether a nested sub-section line splits as botocore's `_parse_nested` needs (with `=`). */
function nestedLineOk(content: string): boolean {
  return pySplitLines(content).every((piece) => pyStrip(piece) === "" || piece.includes("="));
}

/**
 * Runs configparser's line loop (Python 3's `RawConfigParser._read` with botocore's settings)
 * over a text, cutting it into blocks at each header. Lines end at `\r\n`, `\n` or a lone `\r`
 * (Python's universal newlines).
 *
 * @param text the text, without a byte order mark
 * @param firstLine the 1-based number of the text's first line in the file, for messages
 * @param file the file name for messages
 * @throws {SyntaxError} where configparser or botocore raise
 */
function parseText(text: string, firstLine: number, file: string): Parsed {
  const n = text.length;
  const hasCr = text.indexOf("\r") >= 0;
  const preamble = newBlock(undefined);
  const blocks: Block[] = [];
  const seen = new Set<string>();
  const defaultKeys = new Set<string>();
  /** Bad sub-section lines of `[DEFAULT]`: botocore only splits them where they leak in. */
  const deferred: Array<[number, string]> = [];
  let nestedError = -1;
  let nestedKey = "";
  let block = preamble;
  let blockFrom = 0;
  let inBlock = 0;
  let entry: Entry | undefined;
  let indentLevel = 0;
  let lf = 0;
  let crlf = 0;
  let cr = 0;
  let lineNo = firstLine - 1;
  let pos = 0;
  while (pos < n) {
    // Work on indexes into the text: slicing out every line would double the parse time.
    const from = pos;
    let stop: number;
    if (!hasCr) {
      const nl = text.indexOf("\n", from);
      stop = nl < 0 ? n : nl;
      pos = nl < 0 ? n : nl + 1;
      if (nl >= 0) lf++;
    } else {
      let j = from;
      let c = 0;
      while (j < n && (c = text.charCodeAt(j)) !== 10 && c !== 13) j++;
      stop = j;
      if (j >= n) pos = n;
      else if (c === 13 && text.charCodeAt(j + 1) === 10) (pos = j + 2), crlf++;
      else (pos = j + 1), c === 13 ? cr++ : lf++;
    }
    lineNo++;
    const line = inBlock++;
    let first = from;
    while (first < stop && isPySpace(text.charCodeAt(first))) first++;
    if (first === stop) {
      if (entry !== undefined) entry.blanks++;
      continue;
    }
    const c = text.charCodeAt(first);
    if (c === 35 || c === 59) continue;
    let last = stop - 1;
    while (isPySpace(text.charCodeAt(last))) last--;
    if (entry !== undefined && first - from > indentLevel) {
      const part = text.slice(first, last + 1);
      if (entry.parts === null) entry.parts = [entry.value];
      for (; entry.blanks > 0; entry.blanks--) entry.parts.push("");
      entry.parts.push(part);
      entry.end = line;
      if (entry.nested && !nestedLineOk(part)) {
        if (block.name === DEFAULTS) deferred.push([lineNo, entry.lower]);
        else if (nestedError < 0) [nestedError, nestedKey] = [lineNo, entry.lower];
      }
      continue;
    }
    indentLevel = first - from;
    if (c === 91) {
      const close = text.lastIndexOf("]", last);
      if (close <= first) throw syntaxError(file, lineNo, 'section header has no closing "]"');
      if (close === first + 1) throw syntaxError(file, lineNo, 'empty section name "[]"');
      const name = text.slice(first + 1, close);
      if (name !== DEFAULTS) {
        if (seen.has(name)) throw syntaxError(file, lineNo, `duplicate section [${name}]`);
        seen.add(name);
      }
      finish(entry);
      entry = undefined;
      block.text = text.slice(blockFrom, from);
      block.lineCount = line;
      block = newBlock(name);
      blocks.push(block);
      blockFrom = from;
      inBlock = 1;
      continue;
    }
    let d = first;
    for (; d <= last; d++) {
      const x = text.charCodeAt(d);
      if (x === 61 || x === 58) break;
    }
    if (d > last) d = -1;
    let keyEnd = d;
    while (keyEnd > first && isPySpace(text.charCodeAt(keyEnd - 1))) keyEnd--;
    if (block.name === undefined) {
      const what = d > first ? `key "${text.slice(first, keyEnd)}"` : "text";
      throw syntaxError(file, lineNo, `${what} before the first section header`);
    }
    if (d < 0) {
      throw syntaxError(
        file,
        lineNo,
        'no "=" or ":" in a line that is not a section header, a comment or an indented continuation',
      );
    }
    if (d === first) throw syntaxError(file, lineNo, `missing key before "${text[d]}"`);
    const key = text.slice(first, keyEnd);
    const lower = key.toLowerCase();
    if (hasKey(block, lower) || (block.name === DEFAULTS && defaultKeys.has(lower))) {
      throw syntaxError(file, lineNo, `duplicate key "${lower}" in section [${block.name}]`);
    }
    if (block.name === DEFAULTS) defaultKeys.add(lower);
    finish(entry);
    let v = d + 1;
    while (v <= last && isPySpace(text.charCodeAt(v))) v++;
    const value = text.slice(v, last + 1);
    entry = {
      key,
      lower,
      start: line,
      end: line,
      value,
      parts: null,
      blanks: 0,
      nested: value === "",
    };
    block.entries.push(entry);
    block.keys?.set(lower, entry);
  }
  finish(entry);
  block.text = text.slice(blockFrom);
  block.lineCount = inBlock;
  for (const [line, key] of deferred) {
    if (nestedError >= 0) break;
    if (blocks.some((b) => b.name !== DEFAULTS && !hasKey(b, key))) {
      [nestedError, nestedKey] = [line, key];
    }
  }
  if (nestedError >= 0) {
    throw syntaxError(file, nestedError, `no "=" in a line of the sub-section "${nestedKey}"`);
  }
  const eol = crlf > lf && crlf >= cr ? "\r\n" : cr > lf && cr > crlf ? "\r" : "\n";
  return { preamble, blocks, eol };
}

/** Throws a `TypeError` if text holds a line break. */
function rejectLineBreaks(what: string, text: string): void {
  if (/[\r\n]/.test(text)) throw new TypeError(`Invalid ${what}: it contains a line break`);
}

/** Checks a section name for writing. */
function checkSectionName(name: string): void {
  rejectLineBreaks("section name", name);
  if (name === "") throw new TypeError("Invalid section name: it is empty");
}

/** Checks a key for writing: it must read back as the same key. */
function checkKey(key: string): void {
  rejectLineBreaks("key", key);
  if (key === "" || pyStrip(key) !== key) {
    throw new TypeError(`Invalid key "${key}": it is empty or has leading or trailing whitespace`);
  }
  if (/[=:]/.test(key) || /^[[#;]/.test(key)) {
    throw new TypeError(
      `Invalid key "${key}": it contains "=" or ":" or starts with "[", "#" or ";"`,
    );
  }
}

/** Checks a value for writing: it must read back unchanged. Never echoes it (it may be a secret). */
function checkValue(key: string, value: string): void {
  rejectLineBreaks(`value for key "${key}"`, value);
  if (pyStrip(value) !== value) {
    throw new TypeError(
      `Invalid value for key "${key}": it has leading or trailing whitespace, which readers strip`,
    );
  }
}

/** The read-only view of a section. */
class SectionView implements IniSection {
  readonly name: string;
  readonly line: number;
  readonly text: string;
  readonly #entries: readonly Entry[];
  readonly #keys: Map<string, Entry> | undefined;
  readonly #defaults: Map<string, Entry> | undefined;

  constructor(name: string, line: number, block: Block, defaults: Map<string, Entry> | undefined) {
    this.name = name;
    this.line = line;
    this.text = block.text;
    // Edits give the block new arrays and maps, so holding these keeps the view a snapshot.
    this.#entries = block.entries;
    this.#keys = block.entries.length > 8 ? keysOf(block) : undefined;
    this.#defaults = defaults;
  }

  get(key: string): string | undefined {
    const lower = key.toLowerCase();
    return (findEntry(this.#entries, this.#keys, lower) ?? this.#defaults?.get(lower))?.value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  keys(): string[] {
    const keys = this.#entries.map((e) => e.lower);
    if (this.#defaults) {
      for (const k of this.#defaults.keys()) {
        if (!findEntry(this.#entries, this.#keys, k)) keys.push(k);
      }
    }
    return keys;
  }

  toRecord(): Record<string, string> {
    if (!this.#defaults) return record(this.#entries.map((e) => [e.lower, e.value]));
    return record(this.keys().map((k) => [k, this.get(k)!]));
  }

  subsection(key: string): Record<string, string> | undefined {
    const value = this.get(key);
    if (value === undefined || !value.startsWith("\n")) return undefined;
    const pairs: Array<[string, string]> = [];
    for (const raw of pySplitLines(value)) {
      const line = pyStrip(raw);
      if (line === "") continue;
      const eq = line.indexOf("=");
      if (eq < 0) return undefined; // only a [DEFAULT] value botocore never splits gets here
      pairs.push([pyStrip(line.slice(0, eq)), pyStrip(line.slice(eq + 1))]);
    }
    return record(pairs);
  }
}

/**
 * An AWS config or credentials file, kept line by line: it reads as botocore does and writes
 * back every byte it did not have to change.
 *
 * Sections are named by the text between the brackets (`"profile dev"`, `"default"`,
 * `"sso-session corp"`). Every method that takes a section name finds the section botocore
 * would use for it: in the config file `"profile dev"` also finds `[profile  dev]` or
 * `[profile "dev"]`, and `"default"` finds `[default]` or `[profile default]`, whichever comes
 * last in the file (botocore's "later one wins").
 *
 * @example Reading and editing
 * ```ts
 * import { IniDocument } from "./ini_document.ts";
 * import assert from "node:assert/strict";
 *
 * const text = "# mine\r\n[profile  dev]\r\nRegion : eu-west-1\r\n";
 * const doc = IniDocument.parse(text, { file: "~/.aws/config", kind: "config" });
 * assert.equal(doc.toString(), text);
 * assert.equal(doc.section("profile dev")?.get("region"), "eu-west-1");
 *
 * doc.set("profile dev", "region", "us-east-1"); // the key as given, with = (the JS SDK's form)
 * doc.set("profile dev", "output", "json");
 * assert.equal(doc.toString(), "# mine\r\n[profile  dev]\r\nregion = us-east-1\r\noutput = json\r\n");
 * ```
 */
export class IniDocument {
  /** The file name used in error messages. */
  readonly file: string;
  /** Which AWS file this is. */
  readonly kind: AwsFileKind;
  /** Whether the text starts with a byte order mark (kept on output; botocore rejects it). */
  readonly bom: boolean;
  /** The line ending used for new lines: the file's most common one, `\n` by default. */
  readonly eol: string;
  #preamble: Block;
  #blocks: Block[];
  #byRef: Map<string, Map<string, Block[]>> | undefined;
  #starts: Map<Block, number> | undefined;
  #defaults: Map<string, Entry> | undefined;

  private constructor(file: string, kind: AwsFileKind, bom: boolean, parsed: Parsed) {
    this.file = file;
    this.kind = kind;
    this.bom = bom;
    this.eol = parsed.eol;
    this.#preamble = parsed.preamble;
    this.#blocks = parsed.blocks;
  }

  /**
   * Parses a config or credentials file with botocore's rules.
   *
   * Errors, each a `SyntaxError` naming the file and the 1-based line: a duplicate section
   * (`[DEFAULT]` may repeat, as in configparser), a duplicate key in a section (keys compared
   * lowercased), a key or other text before the first section header, a line that is not blank,
   * a comment, a header, a `key = value` line or an indented continuation, a missing key before
   * the delimiter, a nested sub-section line without `=`, and (stricter than botocore, which reads
   * `[a=b` as a key) a line starting with `[` without a closing `]`, or `[]`. Messages never
   * include values.
   *
   * A leading byte order mark is accepted and kept ({@linkcode IniDocument.bom}); botocore and
   * the AWS CLI cannot read such a file, the JS SDK can.
   *
   * @param text the whole file (`""` for a missing file)
   * @param options the file name for messages and the file kind
   * @returns the document
   * @throws {SyntaxError} when botocore would refuse the file
   * @example
   * ```ts
   * import { IniDocument } from "./ini_document.ts";
   * import assert from "node:assert/strict";
   *
   * const doc = IniDocument.parse("[default]\nregion = us-east-1 # not a comment\n");
   * assert.equal(doc.section("default")?.get("REGION"), "us-east-1 # not a comment");
   * assert.throws(
   *   () => IniDocument.parse("[a]\nk = 1\nK = 2\n", { file: "/home/u/.aws/config" }),
   *   { name: "SyntaxError", message: 'Cannot parse /home/u/.aws/config: line 3: duplicate key "k" in section [a]' },
   * );
   * ```
   */
  static parse(text: string, options: IniParseOptions = {}): IniDocument {
    const kind = options.kind ?? "config";
    const file = options.file ?? `the ${kind} file`;
    const bom = text.startsWith(BOM);
    return new IniDocument(file, kind, bom, parseText(bom ? text.slice(1) : text, 1, file));
  }

  /**
   * The text, byte for byte as parsed, with the edits made since.
   *
   * @returns the whole file
   * @throws never
   * @example
   * ```ts
   * import { IniDocument } from "./ini_document.ts";
   * import assert from "node:assert/strict";
   *
   * const text = "\uFEFF; comment\r\n[default]\n\tregion=x";
   * assert.equal(IniDocument.parse(text).toString(), text);
   * ```
   */
  toString(): string {
    const parts: string[] = [this.bom ? BOM : "", this.#preamble.text];
    for (const block of this.#blocks) parts.push(block.text);
    return parts.join("");
  }

  /**
   * Every section in file order, each with its header line number, including `[DEFAULT]` and
   * sections that botocore ignores or that a later section shadows.
   *
   * @returns one view per header
   * @throws never
   * @example
   * ```ts
   * import { IniDocument } from "./ini_document.ts";
   * import assert from "node:assert/strict";
   *
   * const doc = IniDocument.parse("# c\n[default]\n\n[profile dev]\nregion = x\n");
   * assert.deepEqual(doc.sections().map((s) => [s.name, s.line]), [["default", 2], ["profile dev", 4]]);
   * ```
   */
  sections(): IniSection[] {
    return this.#blocks.map((b) => this.#view(b));
  }

  /**
   * Whether the document has a section botocore would use for this name.
   *
   * @param name the header name, e.g. `"profile dev"`
   * @returns `true` if such a section exists
   * @throws never
   * @example
   * ```ts
   * import { IniDocument } from "./ini_document.ts";
   * import assert from "node:assert/strict";
   *
   * const doc = IniDocument.parse('[profile "dev"]\n');
   * assert.equal(doc.hasSection("profile dev"), true);
   * assert.equal(doc.hasSection("dev"), false);
   * ```
   */
  hasSection(name: string): boolean {
    return this.#group(name).length > 0;
  }

  /**
   * The section botocore would use for this name (the last one in the file when several map to
   * it), with `[DEFAULT]`'s keys leaking in. `section("DEFAULT")` merges every `[DEFAULT]`.
   *
   * @param name the header name, e.g. `"profile dev"` or `"default"`
   * @returns a view, or `undefined` when there is no such section
   * @throws never
   * @example
   * ```ts
   * import { IniDocument } from "./ini_document.ts";
   * import assert from "node:assert/strict";
   *
   * const doc = IniDocument.parse("[DEFAULT]\nregion = x\n[profile dev]\noutput = json\n");
   * assert.deepEqual(doc.section("profile dev")?.toRecord(), { output: "json", region: "x" });
   * ```
   */
  section(name: string): IniSection | undefined {
    const group = this.#group(name);
    if (group.length === 0) return undefined;
    if (name === DEFAULTS) {
      const merged = newBlock(DEFAULTS);
      merged.entries = [...this.#defaultEntries().values()];
      return new SectionView(DEFAULTS, this.#lineOf(group[0]!), merged, undefined);
    }
    return this.#view(group[group.length - 1]!);
  }

  /**
   * The section botocore maps to a profile, sso-session or services name.
   *
   * @param ref what to look for, e.g. `{ type: "profile", name: "dev" }`
   * @returns a view, or `undefined` when there is none
   * @throws never
   * @example
   * ```ts
   * import { IniDocument } from "./ini_document.ts";
   * import assert from "node:assert/strict";
   *
   * const doc = IniDocument.parse("[sso-session 'my corp']\nsso_region = eu-west-1\n");
   * assert.equal(doc.lookup({ type: "sso-session", name: "my corp" })?.get("sso_region"), "eu-west-1");
   * ```
   */
  lookup(ref: SectionRef): IniSection | undefined {
    const group = this.#index().get(ref.type)?.get(ref.name);
    return group ? this.#view(group[group.length - 1]!) : undefined;
  }

  /**
   * The profile, sso-session or services names botocore finds, in order of first appearance.
   *
   * @param type which kind of section
   * @returns the names, without duplicates
   * @throws never
   * @example
   * ```ts
   * import { IniDocument } from "./ini_document.ts";
   * import assert from "node:assert/strict";
   *
   * const doc = IniDocument.parse("[profile b]\n[default]\n[profile  b]\n[plugins]\n");
   * assert.deepEqual(doc.names("profile"), ["b", "default"]);
   * ```
   */
  names(type: SectionType): string[] {
    // The index keeps the order in which names first appear.
    return [...(this.#index().get(type)?.keys() ?? [])];
  }

  /**
   * Sets a key, creating the section (see {@linkcode IniDocument.addSection}) if it is missing.
   *
   * An existing key (matched case-insensitively in the section botocore uses) keeps its line's
   * indentation and its spacing around `=`; the key is written as given, and a `:` line as
   * `key = value` (botocore reads keys in any case and `:` too, the JS SDK neither); the value
   * changes, and its continuation lines are removed. A new key is written as `key = value` after the section's
   * last key (before trailing blank and comment lines), indented like that key; an indented one
   * goes before the first nested sub-section (`s3 =` and indented lines), since the JS SDK reads
   * every indented line after one as part of it. New lines use
   * the file's line ending; a file without a final newline gets one when a line is added at its
   * end. Keys from `[DEFAULT]` are never edited through another section.
   *
   * @param section the header name, e.g. `"profile dev"`
   * @param key the key, e.g. `"credential_process"`
   * @param value the value; it must not have leading or trailing whitespace
   * @returns nothing
   * @throws {TypeError} when the section, key or value contains a line break, the key is empty,
   *   has surrounding whitespace, contains `=` or `:` or starts with `[`, `#` or `;`, or the
   *   value has surrounding whitespace
   * @example
   * ```ts
   * import { IniDocument } from "./ini_document.ts";
   * import assert from "node:assert/strict";
   *
   * const doc = IniDocument.parse("[default]\nregion = x\n# end\n");
   * doc.set("default", "output", "json");
   * doc.set("profile p", "region", "y");
   * assert.equal(doc.toString(), "[default]\nregion = x\noutput = json\n# end\n\n[profile p]\nregion = y\n");
   * ```
   */
  set(section: string, key: string, value: string): void {
    checkSectionName(section);
    checkKey(key);
    checkValue(key, value);
    if (!this.hasSection(section)) this.addSection(section);
    const group = this.#group(section);
    const lower = key.toLowerCase();
    const block = (section === DEFAULTS ? group.find((b) => hasKey(b, lower)) : undefined) ??
      group[group.length - 1]!;
    const entry = keysOf(block).get(lower);
    const lines = splitLines(block.text);
    if (entry) {
      // The key line keeps its line ending, unless the value ran to a file end without one.
      const eol = eolOf(lines[entry.end]!) === "" ? "" : eolOf(lines[entry.start]!);
      const line = replaceValue(lines[entry.start]!, key, value) + eol;
      lines.splice(entry.start, entry.end - entry.start + 1, line);
    } else {
      const last = block.entries[block.entries.length - 1];
      let at = last ? last.end + 1 : 1;
      let indent = last ? leadingSpace(lines[last.start]!) : "";
      // The JS SDK reads every indented line after a nested sub-section's key (`s3 =`) as part of
      // it: an indented key goes before the first one instead.
      const nested = indent === "" ? undefined : block.entries.find((e) => e.nested);
      if (nested) {
        at = nested.start;
        indent = leadingSpace(lines[at]!);
      } else {
        // An indented next header must not turn into a continuation of the new key.
        const next = this.#blocks[this.#blocks.indexOf(block) + 1];
        const nextHeader = next ? firstLine(next.text) : "";
        if (indentOf(nextHeader) > indent.length) indent = leadingSpace(nextHeader);
        const before = lines[at - 1]!;
        if (eolOf(before) === "") lines[at - 1] = before + this.eol;
      }
      lines.splice(at, 0, `${indent}${key} =${value === "" ? "" : " "}${value}${this.eol}`);
    }
    this.#reparse(block, lines);
  }

  /**
   * Removes a key and its continuation lines (and the comment and blank lines between them) from
   * the section botocore uses. A `[DEFAULT]` key with the same name may still show through.
   *
   * @param section the header name
   * @param key the key, in any case
   * @returns `true` if a key was removed
   * @throws never
   * @example
   * ```ts
   * import { IniDocument } from "./ini_document.ts";
   * import assert from "node:assert/strict";
   *
   * const doc = IniDocument.parse("[a]\nk = 1\n  2\nj = 3\n");
   * assert.equal(doc.delete("a", "K"), true);
   * assert.equal(doc.toString(), "[a]\nj = 3\n");
   * ```
   */
  delete(section: string, key: string): boolean {
    const group = this.#group(section);
    const lower = key.toLowerCase();
    const block = section === DEFAULTS
      ? group.find((b) => hasKey(b, lower))
      : group[group.length - 1];
    const entry = block && keysOf(block).get(lower);
    if (!block || !entry) return false;
    const lines = splitLines(block.text);
    lines.splice(entry.start, entry.end - entry.start + 1);
    this.#reparse(block, lines);
    return true;
  }

  /**
   * Appends an empty section at the end of the file, as the AWS CLI's `ConfigFileWriter` does:
   * a line ending is added first if the file lacks a final one. Unlike the CLI (2.9.19 appends
   * the header right after the last line), a blank line is put before the header when the file
   * does not already end with one.
   *
   * @param name the header name, e.g. `"profile dev"`; to build one from a profile name use
   *   `profileSectionName` of `aws_files.ts`
   * @returns `true` if added, `false` if a section botocore maps to that name already exists
   * @throws {TypeError} when the name is empty or contains a line break
   * @example
   * ```ts
   * import { IniDocument } from "./ini_document.ts";
   * import assert from "node:assert/strict";
   *
   * const doc = IniDocument.parse("[default]\nregion = x");
   * assert.equal(doc.addSection("profile dev"), true);
   * assert.equal(doc.addSection("profile  dev"), false);
   * assert.equal(doc.toString(), "[default]\nregion = x\n\n[profile dev]\n");
   * ```
   */
  addSection(name: string): boolean {
    checkSectionName(name);
    if (this.hasSection(name)) return false;
    const tail = this.#blocks[this.#blocks.length - 1] ?? this.#preamble;
    const lines = splitLines(tail.text);
    const n = lines.length;
    if (n > 0) {
      if (eolOf(lines[n - 1]!) === "") lines[n - 1] += this.eol;
      if (!isBlank(lines[n - 1]!)) lines.push(this.eol);
      this.#reparse(tail, lines);
    }
    const block = newBlock(name);
    block.text = `[${name}]${this.eol}`;
    block.lineCount = 1;
    this.#blocks.push(block);
    this.#addToIndex(block);
    this.#changed();
    return true;
  }

  /**
   * Removes every section botocore maps to this name (so a shadowed `[profile dev]` cannot
   * resurface after `[profile "dev"]` is removed), or, given `only`, those of them that pass it
   * (a tool removing what it wrote leaves a section the user wrote under the same name).
   *
   * Removed with a section: its header, keys and every line up to the next header, except the
   * comment lines directly above the next header (they describe it) and those after a blank line
   * that follows its last key (a separator before what follows, a modeline closing the file);
   * and the comment lines directly above its own header when a blank line or the start of the
   * file precedes them. At the end of the file, the blank lines left before the removed section go
   * too, unless lines of it stay. Should the next header read as a continuation line once the
   * section is gone (an indented header after a key), its indentation is removed.
   *
   * @param name the header name
   * @param only removes only the sections for which it is `true` (default: all of them)
   * @returns `true` if a section was removed
   * @throws never
   * @example
   * ```ts
   * import { IniDocument } from "./ini_document.ts";
   * import assert from "node:assert/strict";
   *
   * const doc = IniDocument.parse("[a]\nk = 1\n\n# old\n[b]\nk = 2\n\n# about c\n[c]\n");
   * assert.equal(doc.removeSection("b"), true);
   * assert.equal(doc.toString(), "[a]\nk = 1\n\n# about c\n[c]\n");
   * ```
   */
  removeSection(name: string, only?: (section: IniSection) => boolean): boolean {
    const group = this.#group(name);
    const gone = only ? group.filter((block) => only(this.#view(block))) : [...group];
    for (const block of gone.reverse()) this.#remove(block);
    const [type, key] = groupKey(parseSectionName(name, this.kind), name);
    const left = group.filter((block) => !gone.includes(block));
    if (left.length > 0) this.#index().get(type)?.set(key, left);
    else this.#index().get(type)?.delete(key);
    return gone.length > 0;
  }

  /** Removes one block and tidies the lines around it. */
  #remove(block: Block): void {
    const k = this.#blocks.indexOf(block);
    const prev = this.#blocks[k - 1] ?? this.#preamble;
    const next = this.#blocks[k + 1];
    const above = splitLines(prev.text);
    const own = splitLines(block.text);
    // Comment lines directly above the header belong to it if a blank line or the file start
    // precedes them.
    let c0 = above.length;
    while (c0 > 0 && isComment(above[c0 - 1]!)) c0--;
    if (c0 < above.length && (c0 === 0 ? prev === this.#preamble : isBlank(above[c0 - 1]!))) {
      above.splice(c0);
    }
    // Comment lines directly above the next header stay with it.
    const last = block.entries[block.entries.length - 1];
    const floor = last ? last.end + 1 : 1;
    let keep = own.length;
    if (next) {
      while (keep > floor && isComment(own[keep - 1]!)) keep--;
    }
    // So do those after a blank line that follows the last key; the ones right after the last
    // key (keys commented out) and the blank lines before the kept ones go.
    let from = floor;
    while (from < keep && !isBlank(own[from]!)) from++;
    while (from < keep && isBlank(own[from]!)) from++;
    if (from < keep) keep = from;
    above.push(...own.slice(keep));
    if (!next) {
      let end = above.length;
      while (keep === own.length && end > 0 && isBlank(above[end - 1]!)) end--;
      above.splice(end);
    } else if (prev.entries.length > 0) {
      // Entries of prev are still valid: only lines after its last entry changed.
      const prevLast = prev.entries[prev.entries.length - 1]!;
      const header = firstLine(next.text);
      if (indentOf(header) > indentOf(above[prevLast.start]!)) {
        this.#reparse(next, [
          header.slice(leadingSpace(header).length),
          ...splitLines(next.text).slice(1),
        ]);
      }
    }
    this.#blocks.splice(k, 1);
    this.#reparse(prev, above);
  }

  /** The blocks botocore maps to the same thing as this header name, in file order. */
  #group(name: string): Block[] {
    const [type, key] = groupKey(parseSectionName(name, this.kind), name);
    return this.#index().get(type)?.get(key) ?? [];
  }

  /** What a block's header maps to (cached: a header never changes its name). */
  #refOf(block: Block): SectionRef | null {
    if (block.ref === undefined) block.ref = parseSectionName(block.name!, this.kind) ?? null;
    return block.ref;
  }

  /** Blocks grouped by what they map to: type (`""` for others) → name → blocks in file order. */
  #index(): Map<string, Map<string, Block[]>> {
    if (this.#byRef) return this.#byRef;
    this.#byRef = new Map();
    for (const block of this.#blocks) this.#addToIndex(block);
    return this.#byRef;
  }

  /** Adds a new block at the end of its group. */
  #addToIndex(block: Block): void {
    const index = this.#byRef;
    if (!index) return; // built from all blocks on first use
    const [type, name] = groupKey(this.#refOf(block), block.name!);
    let byName = index.get(type);
    if (!byName) index.set(type, byName = new Map());
    const group = byName.get(name);
    if (group) group.push(block);
    else byName.set(name, [block]);
  }

  /** The keys of every `[DEFAULT]` section. */
  #defaultEntries(): Map<string, Entry> {
    if (this.#defaults) return this.#defaults;
    const merged = new Map<string, Entry>();
    for (const block of this.#blocks) {
      if (block.name === DEFAULTS) { for (const e of block.entries) merged.set(e.lower, e); }
    }
    return (this.#defaults = merged);
  }

  /** The 1-based header line of a block. */
  #lineOf(block: Block): number {
    if (!this.#starts) {
      const starts = new Map<Block, number>();
      let line = this.#preamble.lineCount + 1;
      for (const b of this.#blocks) {
        starts.set(b, line);
        line += b.lineCount;
      }
      this.#starts = starts;
    }
    return this.#starts.get(block)!;
  }

  /** A view of one block with the `[DEFAULT]` leak. */
  #view(block: Block): IniSection {
    const defaults = block.name === DEFAULTS ? undefined : this.#defaultEntries();
    return new SectionView(
      block.name!,
      this.#lineOf(block),
      block,
      defaults && defaults.size > 0 ? defaults : undefined,
    );
  }

  /** Replaces a block's lines and re-reads it. Edits never add a header, so it stays one block. */
  #reparse(block: Block, lines: string[]): void {
    // A line ending in a lone CR next to an empty LF line would fuse into one CRLF ending; such
    // a neighbourhood can only come from an edit, so give the empty line a CR ending instead.
    for (let i = 1; i < lines.length; i++) {
      if (lines[i] === "\n" && eolOf(lines[i - 1]!) === "\r") lines[i] = "\r";
    }
    block.text = lines.join("");
    const { preamble, blocks } = parseText(block.text, 1, this.file);
    const fresh = block.name === undefined ? preamble : blocks[0]!;
    block.lineCount = fresh.lineCount;
    block.entries = fresh.entries;
    block.keys = fresh.keys;
    this.#changed();
  }

  /** Drops the caches that an edit makes stale (the grouping is kept up to date by the edits). */
  #changed(): void {
    this.#starts = undefined;
    this.#defaults = undefined;
  }
}

/** The first line of a text, with its line ending. */
function firstLine(text: string): string {
  const match = /^[^\r\n]*(?:\r\n|\r|\n)?/.exec(text);
  return match ? match[0] : text;
}

/** The leading whitespace of a line. */
function leadingSpace(line: string): string {
  const text = stripEol(line);
  const i = firstNonSpace(text);
  return i < 0 ? text : text.slice(0, i);
}

/**
 * A key line with the key spelled as given and a new value, keeping the indentation and the
 * spacing around `=`; a `:` line becomes `key = value`.
 */
function replaceValue(line: string, key: string, value: string): string {
  const text = stripEol(line);
  const eq = text.indexOf("=");
  const colon = text.indexOf(":");
  const d = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
  const indent = text.slice(0, leadingSpace(text).length);
  // A `:` line becomes `key = value`: the JS SDK reads no other delimiter.
  if (text[d] === ":") return `${indent}${key} =${value === "" ? "" : " "}${value}`;
  let keyEnd = d;
  while (keyEnd > indent.length && isPySpace(text.charCodeAt(keyEnd - 1))) keyEnd--;
  const head = indent + key + text.slice(keyEnd, d + 1);
  let after = d + 1;
  while (after < text.length && isPySpace(text.charCodeAt(after))) after++;
  if (value === "") return head;
  let space = text.slice(d + 1, after);
  if (space === "" && after >= text.length && d > 0 && isPySpace(text.charCodeAt(d - 1))) {
    space = " ";
  }
  return head + space + value;
}
