/**
 * `json.dumps` as Python writes it, so that cache keys and cache files are byte for byte those of
 * botocore and the AWS CLI.
 *
 * @module
 */

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | {
  [key: string]: JsonValue;
};

/** Options of {@linkcode pythonJsonDumps}. */
export interface PythonJsonOptions {
  /** `sort_keys=True` (default `false`). */
  sortKeys?: boolean;
  /** `separators=(item, key)`; Python's default is `[", ", ": "]`. */
  separators?: [string, string];
}

function pyString(s: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters as Python does (lowercase
  // hex); ensure_ascii additionally escapes everything outside printable ASCII, DEL (0x7f)
  // included, as \uXXXX (astral characters as their two surrogates).
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}

/** Python's `sorted()` order of strings: by code point, not by UTF-16 unit as `<` compares. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

/**
 * Serialises like Python's `json.dumps(value, sort_keys=…, separators=…)` with `ensure_ascii=True`.
 *
 * @param value the value
 * @param options key order and separators
 * @returns the JSON text, byte-identical to Python's
 * @example
 * ```ts
 * import { pythonJsonDumps } from "./python_json.ts";
 * import assert from "node:assert/strict";
 * assert.equal(pythonJsonDumps({ b: [1, "é"], a: null }, { sortKeys: true }), '{"a": null, "b": [1, "\\u00e9"]}');
 * ```
 */
export function pythonJsonDumps(value: JsonValue, options: PythonJsonOptions = {}): string {
  const [item, key] = options.separators ?? [", ", ": "];
  const dump = (v: JsonValue): string => {
    if (v === null) return "null";
    if (typeof v === "string") return pyString(v);
    if (typeof v === "number" || typeof v === "boolean") return JSON.stringify(v);
    if (Array.isArray(v)) return "[" + v.map(dump).join(item) + "]";
    let keys = Object.keys(v);
    if (options.sortKeys) keys = keys.sort(byCodePoint);
    return "{" + keys.map((k) => pyString(k) + key + dump(v[k] as JsonValue)).join(item) + "}";
  };
  return dump(value);
}
