/**
 * Child script: the AWS SDK for JavaScript v3 asks STS who it is, with credentials from a config
 * profile, and prints the answer as JSON. Run by `_clients.ts` in a clean environment, so the SDK
 * sees only the temp HOME and `AWS_CONFIG_FILE`.
 *
 * Usage: `deno run -A _js_sdk_identity.ts process|ini PROFILE ENDPOINT`
 * - `process`: `fromProcess({ profile })` (the profile's `credential_process`);
 * - `ini`: the SDK's default chain with `AWS_PROFILE=PROFILE` (`fromIni` finds the process).
 *
 * @module
 */

import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromProcess } from "@aws-sdk/credential-provider-process";

const [provider, profile, endpoint] = Deno.args;
if (!profile || !endpoint || (provider !== "process" && provider !== "ini")) {
  throw new TypeError("usage: _js_sdk_identity.ts process|ini PROFILE ENDPOINT");
}
if (provider === "ini") Deno.env.set("AWS_PROFILE", profile);
const client = new STSClient({
  region: "us-east-1",
  endpoint,
  maxAttempts: 1,
  ...(provider === "process" ? { credentials: fromProcess({ profile }) } : {}),
});
try {
  const out = await client.send(new GetCallerIdentityCommand({}));
  console.log(JSON.stringify({ Account: out.Account, Arn: out.Arn, UserId: out.UserId }));
} finally {
  client.destroy();
}
