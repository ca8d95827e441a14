/**
 * While aws-sso loads an SDK client, `@smithy/node-http-handler` is a stand-in in the CommonJS
 * cache. Code of the program that requires the package in that moment gets a working package.
 * (Its own file: the stand-in is only put in place while nothing has loaded the package yet.)
 */

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { withoutNodeHttp } from "../src/defer_node_http.ts";

Deno.test("the package required while an SDK client loads works as the real one", async () => {
  const clientUrl = import.meta.resolve("@aws-sdk/client-sso");
  const require = createRequire(clientUrl);
  const handlerPath = require.resolve("@smithy/node-http-handler");
  const loaded = () => require.cache[handlerPath];
  assert.equal(loaded(), undefined);

  await withoutNodeHttp(() => clientUrl, () => {
    const { NodeHttpHandler, streamCollector } = require("@smithy/node-http-handler");
    const handler = new NodeHttpHandler({ requestTimeout: 1000 });
    assert.ok(handler instanceof NodeHttpHandler);
    assert.equal(typeof handler.handle, "function");
    assert.equal(NodeHttpHandler.create(handler), handler);
    const made = NodeHttpHandler.create({ requestTimeout: 1000 });
    assert.ok(made instanceof NodeHttpHandler);
    class Timed extends NodeHttpHandler {}
    const sub = new Timed();
    assert.ok(sub instanceof Timed && sub instanceof NodeHttpHandler);
    assert.equal(typeof streamCollector, "function");
    for (const h of [handler, made, sub]) h.destroy();
    return Promise.resolve();
  });
  // The real package stays loaded for whoever comes next.
  const real = loaded()?.exports as Record<string, unknown> | undefined;
  assert.equal(typeof real?.NodeHttpHandler, "function");
  assert.equal(require("@smithy/node-http-handler"), real);
});
