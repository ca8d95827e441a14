/**
 * Run as a child process by `concurrency_test.ts`, with `HOME` and the fake's endpoints in its
 * environment: prints `ready`, waits until the file GO exists (so that all children start at the
 * same moment), calls `getSsoToken()` for the sso-session profile `corp` of START_URL with the
 * real runtime, and prints the SHA-1 of the access token it got (never the token itself).
 *
 * Usage: `deno run -A _get_token_child.ts START_URL GO auto|browser-only|never`
 *
 * @module
 */

import { denoRuntime } from "../../src/deno_runtime.ts";
import { getSsoToken, type LoginPolicy } from "../../src/token/get_sso_token.ts";
import { sha1Hex } from "../../src/token/sha1_hex.ts";

const [startUrl = "", go = "", policy = "never"] = Deno.args;
const runtime = denoRuntime();
console.log("ready");
while (await runtime.fs.stat(go) === null) await runtime.sleep(5);
try {
  const token = await getSsoToken(runtime, {
    profileName: "corp",
    startUrl,
    ssoRegion: "us-east-1",
    sessionName: "corp",
    scopes: ["sso:account:access"],
  }, { login: policy as LoginPolicy });
  console.log(sha1Hex(token.accessToken));
} catch (err) {
  console.log(`error: ${(err as Error).message}`);
  Deno.exit(1);
}
