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
import { errorReason } from "./src/errors.ts";
import type { Runtime } from "./src/runtime.ts";
// The credential_process hot path as one module (`deno task build`): a call answered from the
// cache loads nothing more.
// @ts-types="./src/cli/answer_from_cache.ts"
import { answerFromCache } from "./src/cli/answer_from_cache.bundle.js";

/**
 * `mainAfterMiss()`, or `undefined` once it has said in one line why it cannot be loaded: a
 * `jsr:` run fetches the rest of aws-sso on its first call that cached credentials do not answer.
 */
async function loadMain(
  runtime: Runtime,
): Promise<typeof import("./src/cli/main.ts").mainAfterMiss | undefined> {
  try {
    return (await import("./src/cli/main.ts")).mainAfterMiss;
  } catch (err) {
    runtime.stderr.write(
      `aws-sso: Cannot load the rest of aws-sso: ${errorReason(err).split("\n")[0]}\n` +
        "hint: it is loaded on the first call that cached credentials do not answer; " +
        "run again where its source (jsr.io for a jsr: run) can be reached\n",
    );
    if (Deno.args.includes("--debug")) runtime.stderr.write(`${(err as Error).stack}\n`);
    return undefined;
  }
}

if (import.meta.main) {
  const runtime = denoRuntime({ releaseLocksOnInterrupt: true });
  const found = await answerFromCache(Deno.args, runtime);
  if (found?.answer === undefined) {
    const main = await loadMain(runtime);
    Deno.exitCode = main ? await main(Deno.args, runtime, found) : 1;
  } else {
    try {
      runtime.stdout.write(found.answer);
    } catch (err) {
      const { reportError } = await import("./src/cli/report_error.ts");
      Deno.exitCode = reportError(runtime, err, Deno.args.includes("--debug"));
    }
  }
}
