/**
 * The command line that runs this same program again, for `credential_process`.
 *
 * @module
 */

import type { ProgramInfo } from "../runtime.ts";

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
