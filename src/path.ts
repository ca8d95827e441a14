/**
 * The few path operations aws-sso needs, without `node:path` (whose start-up cost is a third of
 * the credential_process hot path). Paths keep the separator style they come with.
 *
 * @module
 */

function separatorOf(parts: string[]): string {
  return parts.some((p) => p.includes("\\") && !p.includes("/")) ? "\\" : "/";
}

/**
 * Joins path segments with one separator between them.
 *
 * @param parts the segments; the first may be absolute
 * @returns the joined path
 * @example
 * ```ts
 * import { join } from "./path.ts";
 * import assert from "node:assert/strict";
 * assert.equal(join("/home/u/", ".aws", "sso/cache"), "/home/u/.aws/sso/cache");
 * assert.equal(join("C:\\Users\\u", ".aws"), "C:\\Users\\u\\.aws");
 * ```
 */
export function join(...parts: string[]): string {
  const sep = separatorOf(parts);
  const joined = parts.filter((p) => p !== "").join(sep);
  const lead = /^[\\/]{2}/.test(joined) ? sep : "";
  return lead + joined.replace(/[\\/]+/g, sep);
}

/**
 * The folder part of a path (`"."` when there is none).
 *
 * @param path a file path
 * @returns its folder
 * @example
 * ```ts
 * import { dirname } from "./path.ts";
 * import assert from "node:assert/strict";
 * assert.equal(dirname("/home/u/.aws/config"), "/home/u/.aws");
 * assert.equal(dirname("/config"), "/");
 * ```
 */
export function dirname(path: string): string {
  const trimmed = path.replace(/(?<=.)[\\/]+$/, "");
  const i = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  if (i < 0) return ".";
  if (i === 0) return trimmed[0]!;
  return trimmed.slice(0, i);
}

/**
 * The last segment of a path.
 *
 * @param path a path
 * @returns its file name
 */
export function basename(path: string): string {
  const trimmed = path.replace(/(?<=.)[\\/]+$/, "");
  return trimmed.slice(Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\")) + 1);
}
