/**
 * While aws-sso loads an SDK client, only that client's own `require` of
 * `@smithy/node-http-handler` or `@smithy/core/checksum` gets a stand-in, and only the SDK's
 * files get stand-ins of the Node built-ins the calls never use; the rest of the program gets the
 * real modules, during the load and after it. (Its own file: nothing here has loaded the packages
 * yet.)
 */

import assert from "node:assert/strict";
import Module, { createRequire } from "node:module";
import { withDeferredModules } from "../src/defer_sdk_modules.ts";

const PACKAGE = "@smithy/node-http-handler";
type Load = (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };

/** Records the requests that reach the loader below aws-sso's hook, that is, the real loads. */
function recordLoads(): { seen: string[]; [Symbol.dispose](): void } {
  const original = loader._load;
  const seen: string[] = [];
  loader._load = function (request, parent, isMain) {
    seen.push(request);
    return original.call(this, request, parent, isMain);
  };
  return { seen, [Symbol.dispose]: () => void (loader._load = original) };
}

Deno.test("only the client being loaded gets the stand-in, and the loader is restored", async () => {
  const original = loader._load;
  // A file of the client (as its CommonJS code requires), and one of another SDK package.
  const client = createRequire(import.meta.resolve("@aws-sdk/client-sso"));
  const other = createRequire(import.meta.resolve("@aws-sdk/client-sts"));
  const handlerPath = client.resolve(PACKAGE);
  const loaded = () => client.cache[handlerPath];
  assert.equal(loaded(), undefined);

  await withDeferredModules("@aws-sdk/client-sso", async () => {
    // A load within a load (the portal and the OIDC clients): one hook, kept until both are done.
    await withDeferredModules("@aws-sdk/client-sso-oidc", () => Promise.resolve());
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
    withDeferredModules("@aws-sdk/client-sso", () => Promise.reject(new Error("no SDK"))),
    /no SDK/,
  );
  assert.equal(loader._load, original);
});

Deno.test("the client's checksum module loads only when a checksum is asked for", async () => {
  const client = createRequire(import.meta.resolve("@aws-sdk/client-sso"));
  const other = createRequire(import.meta.resolve("@aws-sdk/client-sts"));
  using loads = recordLoads();
  await withDeferredModules("@aws-sdk/client-sso", () => {
    const { Sha256 } = client("@smithy/core/checksum");
    assert.equal(typeof Sha256, "function");
    assert.ok(!loads.seen.includes("@smithy/core/checksum"));

    // Used, it is the real class.
    const hash = new Sha256();
    hash.update("abc");
    return hash.digest().then((digest: Uint8Array) => {
      assert.equal(
        Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      );
      assert.ok(loads.seen.includes("@smithy/core/checksum"));
      const real = other("@smithy/core/checksum");
      assert.ok(hash instanceof real.Sha256);
      assert.ok(hash instanceof Sha256);
      assert.equal(Sha256.name, real.Sha256.name);
    });
  });
});

Deno.test("SDK files get built-ins that load on first use; other files get them as they are", async () => {
  const sdkFile = createRequire(import.meta.resolve("@aws-sdk/client-sts"));
  const ownFile = createRequire(import.meta.url);
  using loads = recordLoads();
  await withDeferredModules("@aws-sdk/client-sso", async () => {
    // What the SDK's files take from them as they load, and what they use when called.
    const { createHash, createHmac } = sdkFile("node:crypto");
    const { ReadStream, lstatSync } = sdkFile("node:fs");
    const { readFile } = sdkFile("node:fs/promises");
    const zlib = sdkFile("node:zlib");
    assert.deepEqual(loads.seen.filter((r) => r.startsWith("node:")), []);

    // Another file, even during the load, gets the real module.
    const realCrypto = ownFile("node:crypto");
    assert.equal(realCrypto.createHash, ownFile("node:crypto").createHash);
    assert.notEqual(createHash, realCrypto.createHash);
    loads.seen.length = 0;

    // Each works as the real one, and loads it when first used.
    assert.equal(
      createHash("sha256").update("abc").digest("hex"),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    assert.equal(
      createHmac("sha256", "key").update("abc").digest("hex"),
      realCrypto.createHmac("sha256", "key").update("abc").digest("hex"),
    );
    assert.deepEqual(loads.seen, ["node:crypto"]);
    assert.equal(lstatSync(import.meta.filename!).isFile(), true);
    assert.deepEqual(loads.seen, ["node:crypto", "node:fs"]);
    assert.match(await readFile(import.meta.filename!, "utf8"), /first use/);
    assert.deepEqual(loads.seen, ["node:crypto", "node:fs", "node:fs/promises"]);
    assert.equal(zlib.gunzipSync(zlib.gzipSync("abc")).toString(), "abc");
    assert.deepEqual(loads.seen, ["node:crypto", "node:fs", "node:fs/promises", "node:zlib"]);

    // A class stand-in answers instanceof as the class does.
    const stream = ownFile("node:fs").createReadStream(import.meta.filename!);
    assert.ok(stream instanceof ReadStream);
    assert.ok(!({} instanceof ReadStream));
    stream.destroy();
  });
});

Deno.test("a stand-in function is the real one in what a program can look at", async () => {
  const client = createRequire(import.meta.resolve("@aws-sdk/client-sso"));
  const other = createRequire(import.meta.resolve("@aws-sdk/client-sts"));
  const sdkFile = other;
  const ownFile = createRequire(import.meta.url);
  // deno-lint-ignore no-explicit-any
  let Sha256: any = class {};
  let createHash: (algorithm: string) => { update(s: string): { digest(e: string): string } } =
    () => {
      throw new Error("not loaded");
    };
  await withDeferredModules("@aws-sdk/client-sso", () => {
    ({ Sha256 } = client("@smithy/core/checksum"));
    ({ createHash } = sdkFile("node:crypto"));
    return Promise.resolve();
  });
  const real = other("@smithy/core/checksum").Sha256;
  assert.notEqual(Sha256, real);

  // Its name, properties and their descriptors are the real one's.
  assert.equal(Sha256.name, real.name);
  assert.equal(Object.getOwnPropertyDescriptor(Sha256, "name")?.value, real.name);
  assert.equal(Object.getOwnPropertyDescriptor(Sha256, "prototype")?.value, real.prototype);
  assert.deepEqual(Reflect.ownKeys(Sha256), Reflect.ownKeys(real));
  assert.equal(Object.getPrototypeOf(Sha256), Object.getPrototypeOf(real));

  // A class built on it after the load is built on the real one; its statics see the subclass.
  Object.defineProperty(real, "self", {
    get(this: unknown) {
      return this;
    },
    configurable: true,
  });
  try {
    class Sub extends Sha256 {}
    assert.ok(new Sub() instanceof real);
    assert.equal((Sub as unknown as { self: unknown }).self, Sub);
    assert.equal(Sha256.self, real);
  } finally {
    delete (real as unknown as { self?: unknown }).self;
  }

  // Freezing it fails at once (it could no longer pass on what the real one holds); it still works.
  assert.throws(() => Object.freeze(Sha256), TypeError);
  assert.ok(new Sha256() instanceof real);

  // The SDK file keeps the function it first used, as it would have kept it from `require`.
  const expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  assert.equal(createHash("sha256").update("abc").digest("hex"), expected);
  const crypto = ownFile("node:crypto");
  const original = crypto.createHash;
  crypto.createHash = () => {
    throw new Error("a program's stub");
  };
  try {
    assert.equal(createHash("sha256").update("abc").digest("hex"), expected);
  } finally {
    crypto.createHash = original;
  }
});

Deno.test("a module stand-in passes on what is defined on it or deleted from it", async () => {
  const sdkFile = createRequire(import.meta.resolve("@aws-sdk/client-sts"));
  const ownFile = createRequire(import.meta.url);
  let crypto: Record<string, unknown> = {};
  await withDeferredModules("@aws-sdk/client-sso", () => {
    crypto = sdkFile("node:crypto");
    return Promise.resolve();
  });
  const real = ownFile("node:crypto");
  Object.defineProperty(crypto, "awsSsoTest", { value: 1, configurable: true, enumerable: true });
  assert.equal(real.awsSsoTest, 1);
  assert.equal(crypto.awsSsoTest, 1);
  assert.ok(Object.keys(crypto).includes("awsSsoTest"));
  assert.ok(delete crypto.awsSsoTest);
  assert.equal(real.awsSsoTest, undefined);
  // One of the functions it stands in for, replaced: the new one is what it hands out.
  const createHash = real.createHash;
  const replacement = (...args: unknown[]) => createHash(...args);
  crypto.createHash = replacement;
  try {
    assert.equal(real.createHash, replacement);
    assert.equal(crypto.createHash, replacement);
  } finally {
    real.createHash = createHash;
  }
  assert.throws(() => Object.freeze(crypto), TypeError);
  assert.equal(Object.getPrototypeOf(crypto), Object.getPrototypeOf(real));
});

Deno.test("a hook set on top of aws-sso's is kept, and aws-sso's is not stacked again", async () => {
  const original = loader._load;
  const sdkFile = createRequire(import.meta.resolve("@aws-sdk/client-sts"));
  const ownFile = createRequire(import.meta.url);
  // The program's hook, set during a load, records what each require got.
  const got: unknown[] = [];
  let below: Load = original;
  const programHook: Load = function (request, parent, isMain) {
    const result = below.call(this, request, parent, isMain);
    if (request === "node:zlib") got.push(result);
    return result;
  };
  try {
    await withDeferredModules("@aws-sdk/client-sso", () => {
      below = loader._load;
      loader._load = programHook;
      return Promise.resolve();
    });
    assert.equal(loader._load, programHook);

    // The next load uses aws-sso's hook under the program's: one layer, not two.
    await withDeferredModules("@aws-sdk/client-sso", () => {
      assert.equal(loader._load, programHook);
      const zlib = sdkFile("node:zlib");
      // The stand-in's first use loads the real module, through the program's hook.
      assert.equal(zlib.gunzipSync(zlib.gzipSync("abc")).toString(), "abc");
      return Promise.resolve();
    });
    assert.equal(loader._load, programHook);
    // It saw the one require, answered by aws-sso's hook below it; nothing answered it twice.
    assert.equal(got.length, 1);
    assert.notEqual(got[0], ownFile("node:zlib"));
  } finally {
    loader._load = below;
  }
  // With the program's hook gone, the next load takes aws-sso's away again.
  await withDeferredModules("@aws-sdk/client-sso", () => Promise.resolve());
  assert.equal(loader._load, original);
});
