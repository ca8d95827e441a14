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

import { main } from "./src/cli/main.ts";
import { denoRuntime } from "./src/deno_runtime.ts";

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args, denoRuntime({ releaseLocksOnInterrupt: true }));
}
