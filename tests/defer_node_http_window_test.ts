/**
 * While aws-sso loads an SDK client, only that client's own `require` of
 * `@smithy/node-http-handler` gets the stand-in; the rest of the program gets the real package,
 * during the load and after it. (Its own file: nothing here has loaded the package yet.)
 */

import assert from "node:assert/strict";
import Module, { createRequire } from "node:module";
import { withoutNodeHttp } from "../src/defer_node_http.ts";

const PACKAGE = "@smithy/node-http-handler";
const loader = Module as unknown as { _load: unknown };

Deno.test("only the client being loaded gets the stand-in, and the loader is restored", async () => {
  const original = loader._load;
  // A file of the client (as its CommonJS code requires), and one of another SDK package.
  const client = createRequire(import.meta.resolve("@aws-sdk/client-sso"));
  const other = createRequire(import.meta.resolve("@aws-sdk/client-sts"));
  const handlerPath = client.resolve(PACKAGE);
  const loaded = () => client.cache[handlerPath];
  assert.equal(loaded(), undefined);

  await withoutNodeHttp("@aws-sdk/client-sso", async () => {
    // Two loads at once (the portal and the OIDC clients): one hook, kept until both are done.
    await withoutNodeHttp("@aws-sdk/client-sso-oidc", () => Promise.resolve());
    assert.notEqual(loader._load, original);

    const standIn = client(PACKAGE);
    const given = { handle() {} };
    assert.equal(standIn.NodeHttpHandler.create(given), given);
    assert.equal(typeof standIn.streamCollector, "function");
    assert.equal(loaded(), undefined, "the stand-in loaded the real package");

    // Anyone else gets the real package, with the whole of its class.
    const real = other(PACKAGE);
    assert.notEqual(real, standIn);
    assert.ok(Object.getOwnPropertyNames(real.NodeHttpHandler).includes("create"));
    assert.equal(loaded()?.exports, real);
    // And the stand-in passes on to it what it does not answer itself.
    const made = standIn.NodeHttpHandler.create({ requestTimeout: 1000 });
    assert.ok(made instanceof real.NodeHttpHandler);
    made.destroy();
    // A build that copies the module's keys (esbuild's __copyProps, __toESM) gets them all.
    assert.ok("NodeHttpHandler" in standIn);
    assert.deepEqual(Object.keys(standIn).sort(), Object.keys(real).sort());
    const copy: Record<string, { create(h: unknown): unknown }> = {};
    for (const key of Object.keys(standIn)) {
      Object.defineProperty(copy, key, { get: () => standIn[key], enumerable: true });
    }
    assert.equal(copy.NodeHttpHandler?.create(given), given);
  });
  assert.equal(loader._load, original);
  assert.equal(client(PACKAGE), loaded()?.exports);

  // A failed load leaves the loader as it was too.
  await assert.rejects(
    withoutNodeHttp("@aws-sdk/client-sso", () => Promise.reject(new Error("no SDK"))),
    /no SDK/,
  );
  assert.equal(loader._load, original);
});
