/**
 * Property tests: random files round-trip byte for byte, read as their model says, and random
 * edits change only the lines they must and are visible when the result is parsed again.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { type AwsFileKind, IniDocument } from "../../src/config/ini_document.ts";

// --- a grammar of valid files, with the values botocore must read ---------------------------

/** One key with its continuation lines. */
interface KeyItem {
  kind: "key";
  key: string;
  lead: string;
  delimiter: string;
  trail: string;
  value: string;
  end: string;
  /** Continuation lines and the blank or comment lines between them; the last is a line. */
  more: Array<
    { kind: "line"; indent: string; text: string } | { kind: "blank" | "comment"; text: string }
  >;
}

/** A blank or comment line. */
interface OtherItem {
  kind: "blank" | "comment";
  text: string;
}

interface SectionModel {
  name: string;
  headerIndent: string;
  headerTail: string;
  keyIndent: string;
  items: Array<KeyItem | OtherItem>;
}

interface FileModel {
  kind: AwsFileKind;
  bom: boolean;
  preamble: OtherItem[];
  sections: SectionModel[];
  eols: string[];
  finalEol: boolean;
}

const letters = fc.stringMatching(/^[a-c]{1,2}$/);
const configName = fc.oneof(
  fc.constant("default"),
  fc.constant("plugins"),
  letters.map((n) => `profile ${n}`),
  letters.map((n) => `profile  ${n}`),
  letters.map((n) => `profile "${n}"`),
  letters.map((n) => `profile '${n} x'`),
  letters.map((n) => `sso-session ${n}`),
  letters.map((n) => `services ${n}`),
  letters.map((n) => `Profile ${n}`),
  letters.map((n) => `profile${n}`),
  letters.map((n) => `x]${n}`),
);
const credentialsName = fc.oneof(
  letters,
  letters.map((n) => `profile ${n}`),
  letters.map((n) => `${n} é`),
);
const blankText = fc.constantFrom("", " ", "\t", "  \t", "\u00a0");
const commentText = fc.tuple(
  fc.constantFrom("", " ", "\t"),
  fc.constantFrom("#", ";"),
  fc.stringMatching(/^[ a-z=:#\]\[]{0,8}$/),
)
  .map(([i, c, t]) => `${i}${c}${t}`);
const other: fc.Arbitrary<OtherItem> = fc.oneof(
  blankText.map((text) => ({ kind: "blank" as const, text })),
  commentText.map((text) => ({ kind: "comment" as const, text })),
);
/** A value as botocore keeps it: no surrounding whitespace. */
const value = fc.stringMatching(
  /^([a-z0-9=:#;"'\[\]é/]([a-z0-9 =:#;"'\[\]é/\t]{0,8}[a-z0-9=:#;"'\[\]é/])?)?$/,
);
const contText = fc.stringMatching(/^[a-z0-9=:"'\[\]é/]([a-z0-9 =:#;"'é]{0,6}[a-z0-9=:"'é])?$/);

const keyItem: fc.Arbitrary<KeyItem> = fc
  .record({
    key: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,5}$/),
    lead: fc.constantFrom("", " ", "\t"),
    delimiter: fc.constantFrom("=", "=", ":"),
    trail: fc.constantFrom("", " ", " "),
    value,
    end: fc.constantFrom("", "", " "),
    more: fc.array(
      fc.oneof(
        {
          weight: 3,
          arbitrary: fc.tuple(fc.constantFrom(" ", "  ", "\t"), contText).map(([indent, text]) => ({
            kind: "line" as const,
            indent,
            text,
          })),
        },
        { weight: 1, arbitrary: other },
      ),
      { maxLength: 3 },
    ),
  })
  .map((k) => {
    const more = [...k.more];
    while (more.length > 0 && more[more.length - 1]!.kind !== "line") more.pop();
    // Lines under an empty value make a nested sub-section: each needs an "=".
    if (k.value === "") {
      for (const m of more) {
        if (m.kind === "line" && !m.text.includes("=")) m.text = `${m.text} = v`;
      }
    }
    return { kind: "key" as const, ...k, more };
  });

const sectionModel = (name: fc.Arbitrary<string>): fc.Arbitrary<SectionModel> =>
  fc.record({
    name,
    headerIndent: fc.constantFrom("", "", "", " ", "\t"),
    headerTail: fc.constantFrom("", "", " # note"),
    keyIndent: fc.constantFrom("", "", " ", "  ", "\t"),
    items: fc.array(fc.oneof({ weight: 3, arbitrary: keyItem }, { weight: 1, arbitrary: other }), {
      maxLength: 6,
    }),
  });

const fileModel: fc.Arbitrary<FileModel> = fc
  .constantFrom<AwsFileKind>("config", "credentials")
  .chain((kind) =>
    fc.record({
      kind: fc.constant(kind),
      bom: fc.boolean(),
      preamble: fc.array(other, { maxLength: 3 }),
      sections: fc.uniqueArray(sectionModel(kind === "config" ? configName : credentialsName), {
        maxLength: 6,
        selector: (s) => s.name,
      }),
      eols: fc.array(fc.constantFrom("\n", "\r\n", "\r"), { minLength: 1, maxLength: 3 }),
      finalEol: fc.boolean(),
    })
  )
  .map((m) => {
    // Keys unique case-insensitively per section; a header indented deeper than the previous
    // section's keys would be a continuation line, so indent it less.
    let prevKeyIndent: string | undefined;
    for (const s of m.sections) {
      const seen = new Set<string>();
      s.items = s.items.filter((i) =>
        i.kind !== "key" || (!seen.has(i.key.toLowerCase()) && !!seen.add(i.key.toLowerCase()))
      );
      if (prevKeyIndent !== undefined && s.headerIndent.length > prevKeyIndent.length) {
        s.headerIndent = "";
      }
      prevKeyIndent = s.items.some((i) => i.kind === "key") ? s.keyIndent : undefined;
    }
    return m;
  });

/** The file's lines (without line endings). */
function modelLines(m: FileModel): string[] {
  const lines = m.preamble.map((i) => i.text);
  for (const s of m.sections) {
    lines.push(`${s.headerIndent}[${s.name}]${s.headerTail}`);
    for (const item of s.items) {
      if (item.kind !== "key") {
        lines.push(item.text);
        continue;
      }
      lines.push(
        `${s.keyIndent}${item.key}${item.lead}${item.delimiter}${item.trail}${item.value}${item.end}`,
      );
      for (const more of item.more) {
        lines.push(more.kind === "line" ? `${s.keyIndent}${more.indent}${more.text}` : more.text);
      }
    }
  }
  return lines;
}

/** The file's text. */
function modelText(m: FileModel): string {
  const lines = modelLines(m);
  const body = lines.map((l, i) => {
    if (i === lines.length - 1 && !m.finalEol) return l;
    const eol = m.eols[i % m.eols.length]!;
    // A lone CR before an empty line that ends in LF would make one CRLF line ending.
    return l + (eol === "\r" && lines[i + 1] === "" ? "\r\n" : eol);
  }).join("");
  return (m.bom ? "\uFEFF" : "") + body;
}

/** Every section as botocore reads it: [name, header line, values]. */
function modelSections(m: FileModel): Array<[string, number, Record<string, string>]> {
  let line = m.preamble.length + 1;
  return m.sections.map((s) => {
    const header = line;
    const values: Record<string, string> = {};
    line++;
    for (const item of s.items) {
      line += 1 + (item.kind === "key" ? item.more.length : 0);
      if (item.kind !== "key") continue;
      const parts = [item.value];
      for (const more of item.more) {
        if (more.kind === "line") parts.push(more.text);
        else if (more.kind === "blank") parts.push("");
      }
      values[item.key.toLowerCase()] = parts.join("\n").replace(/\s+$/, "");
    }
    return [s.name, header, values];
  });
}

/** Every section of a document: [name, header line, values]. */
function dump(doc: IniDocument): Array<[string, number, Record<string, string>]> {
  return doc.sections().map((s) => [s.name, s.line, s.toRecord()]);
}

// --- round trips ---------------------------------------------------------------------------

Deno.test({
  name: "IniDocument.toString() gives back any text that IniDocument.parse() accepts",
  permissions: "none",
  fn() {
    const unit = fc.constantFrom(
      ..."[]=:#;  \t\r\n\n\n\n\nabA\"'\\é\u00a0\uFEFF\x1c".split(""),
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (text) => {
        let doc: IniDocument;
        try {
          doc = IniDocument.parse(text);
        } catch (err) {
          assert.ok(err instanceof SyntaxError, String(err));
          return;
        }
        accepted++;
        assert.equal(doc.toString(), text);
      }),
      { numRuns: 2000 },
    );
    assert.ok(accepted > 50, `only ${accepted} random texts parsed`);
  },
});

Deno.test({
  name: "IniDocument.parse() round-trips generated files and reads their values",
  permissions: "none",
  fn() {
    fc.assert(
      fc.property(fileModel, (m) => {
        const text = modelText(m);
        const doc = IniDocument.parse(text, { kind: m.kind });
        assert.equal(doc.toString(), text);
        assert.equal(doc.bom, m.bom);
        assert.deepEqual(dump(doc), modelSections(m));
      }),
      { numRuns: 500 },
    );
  },
});

// --- edits ---------------------------------------------------------------------------------

type Edit =
  | { op: "set"; section: number | string; key: string; value: string }
  | { op: "delete"; section: number; key: number | string }
  | { op: "add"; section: string }
  | { op: "remove"; section: number | string };

const editKey = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,5}$/);
const newName = fc.oneof(configName, credentialsName);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    op: fc.constant("set" as const),
    section: fc.oneof(fc.nat(10), newName),
    key: editKey,
    value,
  }),
  fc.record({
    op: fc.constant("delete" as const),
    section: fc.nat(10),
    key: fc.oneof(fc.nat(10), editKey),
  }),
  fc.record({ op: fc.constant("add" as const), section: newName }),
  fc.record({ op: fc.constant("remove" as const), section: fc.oneof(fc.nat(10), newName) }),
);

/** A line and its line ending. */
interface Line {
  text: string;
  eol: string;
}

/** Splits a document's text like Python's universal newlines. */
function linesOf(doc: IniDocument): Line[] {
  const text = doc.toString().replace(/^\uFEFF/, "");
  const out: Line[] = [];
  const re = /([^\r\n]*)(\r\n|\r|\n|$)/g;
  for (let m = re.exec(text); m && m.index < text.length; m = re.exec(text)) {
    out.push({ text: m[1]!, eol: m[2]! });
  }
  return out;
}

/**
 * The region that changed: `before[start, beforeEnd)` became `after[start, afterEnd)`. Outside
 * it, lines must be identical, except that the old last line may have gained a line ending.
 */
function changed(
  before: Line[],
  after: Line[],
): { start: number; beforeEnd: number; afterEnd: number } {
  let start = 0;
  while (
    start < before.length && start < after.length && before[start]!.text === after[start]!.text
  ) {
    start++;
  }
  let b = before.length;
  let a = after.length;
  while (b > start && a > start && before[b - 1]!.text === after[a - 1]!.text) b--, a--;
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < start; i++) pairs.push([i, i]);
  for (let k = 0; b + k < before.length; k++) pairs.push([b + k, a + k]);
  for (const [i, j] of pairs) {
    const same = before[i]!.eol === after[j]!.eol ||
      (i === before.length - 1 && before[i]!.eol === "") ||
      // An empty LF line that an edit put next to a lone-CR line gets a CR ending.
      (before[i]!.text === "" && before[i]!.eol === "\n" && after[j]!.eol === "\r");
    assert.ok(same, `line ending of line ${i + 1} changed`);
  }
  return { start, beforeEnd: b, afterEnd: a };
}

/** The 0-based line range of a section's body: after its header, up to the next header. */
function rangeOf(sections: Array<[string, number, unknown]>, line: number): [number, number] {
  const next = sections.map(([, l]) => l).find((l) => l > line);
  return [line - 1, next === undefined ? Number.MAX_SAFE_INTEGER : next - 1];
}

/** Applies one edit and checks what it may change. */
function applyAndCheck(doc: IniDocument, e: Edit): void {
  const names = doc.sections().map((s) => s.name);
  const name = typeof e.section === "number"
    ? names[e.section % Math.max(1, names.length)]
    : e.section;
  if (name === undefined) return;
  const before = linesOf(doc);
  const sectionsBefore = dump(doc);
  const targetLine = doc.section(name)?.line;
  const targetIndex = sectionsBefore.findIndex(([, line]) => line === targetLine);
  let key = "";
  if (e.op === "set") {
    doc.set(name, e.key, e.value);
    key = e.key.toLowerCase();
  } else if (e.op === "delete") {
    const keys = doc.section(name)?.keys() ?? [];
    key = typeof e.key === "number"
      ? keys[e.key % Math.max(1, keys.length)] ?? "none"
      : e.key.toLowerCase();
    doc.delete(name, key);
  } else if (e.op === "add") {
    doc.addSection(name);
  } else {
    doc.removeSection(name);
  }
  const after = linesOf(doc);
  const reparsed = IniDocument.parse(doc.toString(), { kind: doc.kind });
  // The document's own view after the edit is what a fresh parse sees.
  assert.deepEqual(dump(doc), dump(reparsed));
  const sectionsAfter = dump(reparsed).map(([n, , v]) => [n, v]);
  const expected = sectionsBefore.map(([n, , v]) =>
    [n, { ...v }] as [string, Record<string, string>]
  );

  if (e.op === "set" || e.op === "delete") {
    const { start, beforeEnd, afterEnd } = changed(before, after);
    if (targetIndex >= 0) {
      const [from, to] = rangeOf(sectionsBefore, targetLine!);
      const unchanged = start === beforeEnd && start === afterEnd;
      assert.ok(
        unchanged || (start > from && beforeEnd <= to),
        "changed lines outside the section",
      );
      assert.ok(afterEnd - start <= 1, "more than one line written");
      if (e.op === "set") expected[targetIndex]![1][key] = e.value;
      else delete expected[targetIndex]![1][key];
    } else if (e.op === "set") {
      assert.equal(beforeEnd, start, "lines removed when adding a section");
      assert.ok(afterEnd - start <= 3);
      expected.push([name, { [key]: e.value }]);
    }
    if (e.op === "set") assert.equal(reparsed.section(name)?.get(e.key), e.value);
    else assert.equal(reparsed.section(name)?.has(key) ?? false, false);
    assert.deepEqual(sectionsAfter, expected);
  } else if (e.op === "add") {
    const { start, beforeEnd, afterEnd } = changed(before, after);
    assert.equal(beforeEnd, start, "lines removed when adding a section");
    if (targetIndex < 0) {
      assert.ok(afterEnd - start >= 1 && afterEnd - start <= 2);
      expected.push([name, {}]);
    } else {
      assert.equal(afterEnd, start);
    }
    assert.ok(reparsed.hasSection(name));
    assert.deepEqual(sectionsAfter, expected);
  } else {
    assert.equal(reparsed.hasSection(name), false);
    // What stays is what was there, in order; a removed section maps to the name.
    const kept = expected.filter(([n]) =>
      !IniDocument.parse(`[${n}]\n`, { kind: doc.kind }).hasSection(name)
    );
    assert.deepEqual(sectionsAfter, kept);
    // Lines: the old lines minus some, each removed one inside a removed section or a comment or
    // blank line; only the next header may lose its indentation.
    const removedRanges = sectionsBefore
      .filter(([n]) => IniDocument.parse(`[${n}]\n`, { kind: doc.kind }).hasSection(name))
      .map(([, line]) => {
        const next = sectionsBefore.map(([, l]) => l).find((l) => l > line);
        return [line - 1, next === undefined ? Number.MAX_SAFE_INTEGER : next - 1];
      });
    let j = 0;
    for (let i = 0; i < before.length; i++) {
      const a = after[j];
      if (
        a && (a.text === before[i]!.text || a.text === before[i]!.text.replace(/^[ \t]+(?=\[)/, ""))
      ) {
        j++;
        continue;
      }
      const inside = removedRanges.some(([from, to]) => i >= from! && i < to!);
      const filler = /^\s*([#;].*)?$/.test(before[i]!.text);
      assert.ok(inside || filler, `line ${i + 1} removed: ${JSON.stringify(before[i]!.text)}`);
    }
    assert.equal(j, after.length, "lines were added");
  }
}

Deno.test({
  name: "IniDocument edits keep untouched lines and read back as intended",
  permissions: "none",
  fn() {
    fc.assert(
      fc.property(fileModel, fc.array(edit, { minLength: 1, maxLength: 6 }), (m, edits) => {
        const doc = IniDocument.parse(modelText(m), { kind: m.kind });
        for (const e of edits) applyAndCheck(doc, e);
        assert.equal(doc.bom, m.bom);
        assert.equal(doc.toString().startsWith("\uFEFF"), m.bom);
      }),
      { numRuns: 500 },
    );
  },
});
