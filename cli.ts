#!/usr/bin/env -S deno run
/**
 * The `aws-sso` command. Run `aws-sso --help`, or see the README.
 *
 * @example Discovery
 * ```sh
 * deno run -A jsr:@ssokit/aws-sso/cli -p corp -d
 * ```
 *
 * @module
 */

import { denoRuntime } from "./src/deno_runtime.ts";
import { errorReason, SsoError } from "./src/errors.ts";
// The credential_process hot path as one module (`deno task build`): a call answered from the
// cache loads nothing more.
// @ts-types="./src/cli/answer_from_cache.ts"
import { answerFromCache } from "./src/cli/answer_from_cache.bundle.js";

/**
 * Runs aws-sso as the `aws-sso` command does: a `-ext` call whose credentials are cached is
 * answered by the hot path's build alone; anything else loads the rest of the CLI, also built
 * into one module (`deno task build`), and runs `main()`.
 *
 * @param args the command line after the program name
 * @returns the exit code
 */
export async function runCli(args: string[]): Promise<number> {
  const runtime = denoRuntime();
  const found = await answerFromCache(args, runtime);
  if (found?.answer !== undefined) {
    try {
      runtime.stdout.write(found.answer);
      return 0;
    } catch (err) {
      // As main() reports it: a reader that has gone (`| head`) is no failure.
      if (err instanceof Deno.errors.BrokenPipe) return 0;
      runtime.stderr.write(`aws-sso: ${(err as Error).message}\n`);
      if (err instanceof SsoError && err.hint) runtime.stderr.write(`hint: ${err.hint}\n`);
      if (args.includes("--debug")) runtime.stderr.write(`${(err as Error).stack}\n`);
      return 1;
    }
  }
  let rest: typeof import("./src/run_main.ts");
  try {
    rest = await import("./src/run_main.bundle.js");
  } catch (err) {
    // A jsr: run fetches it on its first call that cached credentials do not answer.
    runtime.stderr.write(
      `aws-sso: Cannot load the rest of aws-sso: ${errorReason(err).split("\n")[0]}\n` +
        "hint: it is loaded on the first call that cached credentials do not answer; " +
        "run again where its source (jsr.io for a jsr: run) can be reached\n",
    );
    if (args.includes("--debug")) runtime.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
  return await rest.runMain(args, found);
}

if (import.meta.main) Deno.exitCode = await runCli(Deno.args);
