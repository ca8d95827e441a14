/**
 * Text from a service (error messages, account names, sign-in codes) made safe for a terminal.
 *
 * @module
 */

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text with its control characters written as `\xNN`, so that it cannot move the cursor,
 * recolour or clear the user's terminal, or split a line of tab-separated output.
 *
 * @param text any text
 * @returns the text, one line, without control characters
 * @example
 * ```ts
 * import { printable } from "./printable.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(printable("a\u001b[2Jb\tc"), "a\\x1b[2Jb\\x09c");
 * ```
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
