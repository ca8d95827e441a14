/**
 * The command lines that aws-sso writes or shows: the command that runs this same program again
 * (for `credential_process`), and quoting for POSIX `sh` and `shlex`, and for Windows'
 * `CommandLineToArgvW` with `cmd.exe`.
 *
 * @module
 */

import type { ProgramInfo } from "./runtime.ts";

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

/**
 * Quotes a word so that POSIX `sh` (the JS SDK runs `credential_process` through the shell) and
 * `shlex.split` (botocore runs it without one) both read it back unchanged.
 *
 * @param word the word
 * @returns the word, single-quoted when needed
 * @example
 * ```ts
 * import { shellQuote } from "./command_line.ts";
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
 * Quotes a word as Windows programs read their command line (`CommandLineToArgvW`, and
 * botocore's `_windows_shell_split`): in double quotes when it holds a space, a quote or a
 * character `cmd.exe` would act on (the JS SDK runs `credential_process` through it), with
 * backslashes doubled where they come before a quote. `cmd.exe` itself knows no escaped quote
 * (what follows one is outside its quotes again) and expands `%NAME%` of a defined variable even
 * inside quotes: callers keep such words out of lines that `cmd.exe` runs.
 *
 * @param word the word
 * @returns the word, double-quoted when needed
 * @example
 * ```ts
 * import { windowsQuote } from "./command_line.ts";
 * import assert from "node:assert/strict";
 * assert.equal(windowsQuote("C:\\Program Files\\deno.exe"), '"C:\\Program Files\\deno.exe"');
 * assert.equal(windowsQuote("--allow-env=AWS_*,HOME"), "--allow-env=AWS_*,HOME");
 * ```
 */
export function windowsQuote(word: string): string {
  if (word !== "" && !/[\s"&|<>^()%!]/.test(word)) return word;
  let out = '"';
  let backslashes = 0;
  for (const c of word) {
    if (c === "\\") {
      backslashes++;
      continue;
    }
    out += c === '"' ? "\\".repeat(2 * backslashes + 1) + c : "\\".repeat(backslashes) + c;
    backslashes = 0;
  }
  return `${out}${"\\".repeat(2 * backslashes)}"`;
}

/**
 * A command line of words, quoted for the system that will run it: {@linkcode windowsQuote} on
 * Windows, {@linkcode shellQuote} elsewhere.
 *
 * @param words the words
 * @param os `Deno.build.os` of the system
 * @returns the line
 */
export function commandLine(words: string[], os: string): string {
  return words.map(os === "windows" ? windowsQuote : shellQuote).join(" ");
}
