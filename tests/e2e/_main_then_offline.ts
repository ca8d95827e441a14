/**
 * Runs `main()` with its code loaded and aws-sso's own folder then out of reach, as a `jsr:` run
 * that has gone offline: whatever it must report, it may load nothing more to do so.
 *
 * @module
 */

import { main } from "../../src/cli/main.ts";
import { denoRuntime } from "../../src/deno_runtime.ts";

await Deno.permissions.revoke({ name: "read", path: new URL("../../", import.meta.url) });
Deno.exitCode = await main(Deno.args, denoRuntime());
