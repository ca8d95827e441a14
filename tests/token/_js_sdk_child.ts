/**
 * Run as a child process with `HOME` set to a temp folder: asks the AWS SDK for JavaScript's
 * `fromSso` token provider (`@aws-sdk/token-providers`) for the token of a profile, the way the
 * SDKs do, and prints `{"token", "expiration"}` (epoch ms) as JSON on stdout.
 *
 * Usage: `deno run -A _js_sdk_child.ts PROFILE OIDC_ENDPOINT`
 *
 * @module
 */

import { fromSso } from "@aws-sdk/token-providers";

const [profile = "corp", endpoint = ""] = Deno.args;
try {
  const token = await fromSso({ profile, clientConfig: { endpoint } })();
  console.log(JSON.stringify({ token: token.token, expiration: token.expiration?.getTime() }));
} catch (err) {
  console.log(JSON.stringify({ error: (err as Error).name, message: (err as Error).message }));
}
