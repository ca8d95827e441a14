/**
 * SHA-1 of a UTF-8 string, in hex: how the AWS tools name their cache files.
 *
 * @module
 */

import { createHash } from "node:crypto";

/**
 * The lowercase hex SHA-1 of the UTF-8 bytes of `text`.
 *
 * @param text what to hash
 * @returns 40 hex digits
 * @example
 * ```ts
 * import { sha1Hex } from "./sha1_hex.ts";
 * import assert from "node:assert/strict";
 * assert.equal(sha1Hex("my-sso"), "0ad374308c5a4e22f723adf10145eafad7c4031c");
 * ```
 */
export function sha1Hex(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}
