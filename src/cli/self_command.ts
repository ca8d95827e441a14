/**
 * The command line that runs this same program again, for `credential_process`.
 *
 * @module
 */

import type { ProgramInfo } from "../runtime.ts";

/**
 * Quotes a word so that POSIX `sh` (the JS SDK runs `credential_process` through the shell) and
 * `shlex.split` (botocore runs it without one) both read it back unchanged.
 *
 * @param word the word
 * @returns the word, single-quoted when needed
 * @example
 * ```ts
 * import { shellQuote } from "./self_command.ts";
 * import assert from "node:assert/strict";
 * assert.equal(shellQuote("--allow-net=*.amazonaws.com"), "'--allow-net=*.amazonaws.com'");
 * assert.equal(shellQuote("-ext"), "-ext");
 * ```
 */
export function shellQuote(word: string): string {
  if (word !== "" && /^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

/**
 * The words that start this program: the compiled binary itself, or `deno run` with the given
 * permission flags and the main module.
 *
 * @param program how this process was started
 * @param flags the permission flags for `deno run`
 * @returns the command's words
 */
export function selfCommand(program: ProgramInfo, flags: string[]): string[] {
  if (program.standalone) return [program.execPath];
  return [program.execPath, "run", ...flags, program.mainModule];
}
