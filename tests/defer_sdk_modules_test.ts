/**
 * aws-sso loads its SDK clients without the modules its calls never use (`@smithy/node-http-handler`,
 * `@smithy/core/checksum`, and Node's crypto, fs and zlib for the SDK's own files), and a program
 * that uses aws-sso and builds its own SDK clients in the same process sees no difference: its
 * calls go through the same SDK files, which load what they need when they first need it. (This
 * file imports the SDK only after aws-sso did: its module graph is its own.)
 */

import assert from "node:assert/strict";
import Module, { createRequire } from "node:module";
import { cachedRoleCredentials, denoRuntime, loadSsoProfile } from "../mod.ts";
import { fakeSsoHome, startFakeAws } from "../testing/mod.ts";

Deno.test("a program's own SDK clients work after aws-sso loaded its clients", async () => {
  const require = createRequire(import.meta.resolve("@aws-sdk/client-sso"));
  const handlerPath = require.resolve("@smithy/node-http-handler");
  const loaded = () => require.cache[handlerPath];
  assert.equal(loaded(), undefined);
  // What reaches Node's loader under aws-sso's hook: the real loads.
  type Load = (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;
  const loader = Module as unknown as { _load: Load };
  const original = loader._load;
  const realLoads: string[] = [];
  loader._load = function (request, parent, isMain) {
    realLoads.push(request);
    return original.call(this, request, parent, isMain);
  };
  using _restore = { [Symbol.dispose]: () => void (loader._load = original) };

  await using aws = await startFakeAws();
  await using home = await fakeSsoHome(aws);
  const runtime = { ...denoRuntime(), ...home.runtime };
  const profile = await loadSsoProfile(runtime, "corp");
  // A sign-in (OIDC client), then the role credentials (portal client).
  const creds = await cachedRoleCredentials(runtime, profile, {
    accountId: "111111111111",
    roleName: "ReadOnly",
  });
  assert.match(creds.accessKeyId, /^ASIA/);
  assert.equal(aws.counters.getRoleCredentials, 1);
  assert.equal(loaded(), undefined, "aws-sso loaded node-http-handler");
  assert.ok(!realLoads.includes("node:crypto"), "aws-sso loaded node:crypto");
  assert.ok(!realLoads.includes("@smithy/signature-v4"), "aws-sso loaded the SigV4 signer");

  // The SDK files aws-sso loaded hash (serde's Hash, with a key: an HMAC) with the node:crypto they
  // were handed, which loads now.
  const { Hash } = require("@smithy/core/serde");
  const hmac = new Hash("sha256", "key");
  hmac.update("abc");
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode("key"),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const expected = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode("abc"));
  assert.deepEqual(Array.from(await hmac.digest()), Array.from(new Uint8Array(expected)));
  assert.ok(realLoads.includes("node:crypto"));

  // The program's own client, as the SDK comes: it gets the real NodeHttpHandler.
  const { GetRoleCredentialsCommand, SSOClient } = await import("@aws-sdk/client-sso");
  const client = new SSOClient({ region: aws.region, endpoint: aws.env.AWS_ENDPOINT_URL_SSO });
  const { accessToken } = aws.issueTokens({ scopes: ["sso:account:access"] });
  const out = await client.send(
    new GetRoleCredentialsCommand({ accessToken, accountId: "111111111111", roleName: "ReadOnly" }),
  );
  assert.match(out.roleCredentials?.accessKeyId ?? "", /^ASIA/);
  assert.equal(aws.counters.getRoleCredentials, 2);
  client.destroy();

  // A signed call (SigV4: hashes and HMACs) through the SDK files aws-sso loaded, with the role
  // credentials aws-sso got: the fake STS checks the signature.
  const { GetCallerIdentityCommand, STSClient } = await import("@aws-sdk/client-sts");
  const sts = new STSClient({
    region: aws.region,
    endpoint: aws.url,
    maxAttempts: 1,
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    },
  });
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(identity.Account, "111111111111");
  assert.equal(aws.counters.getCallerIdentity, 1);
  // The program's STS client loaded the SigV4 signer (so the recorder sees such loads).
  assert.ok(realLoads.includes("@smithy/signature-v4"));
  sts.destroy();

  // And whoever requires the package gets the real one.
  const { NodeHttpHandler } = require("@smithy/node-http-handler");
  assert.equal(loaded()?.exports.NodeHttpHandler, NodeHttpHandler);
  const handler = new NodeHttpHandler();
  assert.ok(handler instanceof NodeHttpHandler);
  assert.equal(NodeHttpHandler.create(handler), handler);
  assert.equal(typeof handler.handle, "function");
  handler.destroy();
});
