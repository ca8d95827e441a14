/**
 * The rest of the CLI for `cli.ts`, once its look into the cache has not answered: `main()` with
 * the real runtime. `cli.ts` loads it from its one-file build (`run_main.bundle.js`, made by
 * `deno task build`), which holds all of aws-sso's code but the modules that load the AWS SDK
 * clients and the permission flags (`scripts/build.ts` names them), which load from their own
 * files when used, with the few plain-function modules they import.
 *
 * @module
 */

import { mainAfterMiss } from "./cli/main.ts";
import type { CacheAnswer } from "./cli/answer_from_cache.ts";
import { denoRuntime } from "./deno_runtime.ts";

/**
 * Runs the command with a runtime of this build's own (its errors are the ones it reports).
 *
 * @param args the command line after the program name
 * @param found what the look into the cache read on its way to a miss
 * @returns the exit code
 */
export async function runMain(args: string[], found: CacheAnswer): Promise<number> {
  const read = found?.answer === undefined ? found : undefined;
  return await mainAfterMiss(args, denoRuntime({ releaseLocksOnInterrupt: true }), read);
}
