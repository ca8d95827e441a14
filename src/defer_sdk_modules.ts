/**
 * Loads an AWS SDK client without the modules aws-sso's calls never use. The clients' CommonJS
 * build loads, as it starts, much that the portal and OIDC calls do without:
 *
 * - `@smithy/node-http-handler`, and with it `node:http`, `node:https` and `node:http2`, for a
 *   handler aws-sso replaces with `fetch` (see `aws_http.ts`);
 * - `@smithy/core/checksum`, and with it `node:zlib`, for the default SHA-256 of signing and
 *   checksums (the portal and OIDC calls are neither signed nor checksummed);
 * - `node:crypto`, `node:fs` and `node:fs/promises`, which the SDK's files take functions from
 *   as they load, for hashing, file bodies and config files.
 *
 * Together about 19 ms of each portal or OIDC call's start (a same-machine A/B of the cold
 * `credential_process` call). While a client loads, those `require`s get stand-ins instead: the
 * client's own files for the two packages, and any SDK file (`@smithy/*`, `@aws-sdk/*`, `@aws/*`)
 * for the built-ins. A stand-in loads the real module the moment more is asked of it than it can
 * answer alone (`NodeHttpHandler.create` given a handler), or any of its functions is called,
 * constructed or looked into, and passes everything on to it from then on. Nothing outside those
 * `require`s sees a stand-in: they are never in `require.cache`, and a program that builds its own
 * SDK clients gets the real modules, or calls the SDK files that hold stand-ins and gets what the
 * real modules do. Loaded only with the SDK clients.
 *
 * @module
 */

import Module from "node:module";

/** `Module._load(request, parent, isMain)`: what every CommonJS `require` goes through. */
type Load = (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };

/** A module's exports; `load` loads the real module, once. */
type StandIn = (load: () => Record<PropertyKey, unknown>) => object;

/** The client's own `require` of these packages gets these stand-ins. */
const CLIENT_STAND_INS = new Map<string, StandIn>([
  ["@smithy/node-http-handler", nodeHttpHandler],
  ["@smithy/core/checksum", (load) => lazyExports(load, ["Sha256"])],
]);

/**
 * The SDK files' `require` of these built-ins gets stand-ins whose named functions (and classes)
 * load the module when first used. The names are the ones the SDK takes as it loads; any other
 * name loads the module at once.
 */
const BUILT_IN_STAND_INS = new Map<string, StandIn>(
  [
    ["node:crypto", ["createHash", "createHmac", "getRandomValues"]],
    ["node:fs", ["ReadStream", "createReadStream", "fstatSync", "lstatSync"]],
    ["node:fs/promises", ["readFile"]],
    ["node:zlib", []],
  ].map((
    [name, functions],
  ) => [name as string, (load) => lazyExports(load, functions as string[])]),
);

/** The clients being loaded (package name → loads in progress), and the hook while there are any. */
const loading = new Map<string, number>();
let hook: { original: Load; installed: Load } | undefined;

/**
 * Runs `load` (the import of a module that loads an SDK client) with the stand-ins offered to that
 * client. Where the CommonJS loader cannot be hooked, `load` runs as it is: the stand-ins only
 * save time.
 *
 * @param client the client's npm package, e.g. `"@aws-sdk/client-sso"`
 * @param load imports the module that loads the client
 * @returns what `load` returns
 */
export async function withDeferredModules<T>(client: string, load: () => Promise<T>): Promise<T> {
  const installed = start(client);
  try {
    return await load();
  } finally {
    if (installed) stop(client);
  }
}

/** Offers the stand-ins to `client` until `stop`; `false` when the loader cannot be hooked. */
function start(client: string): boolean {
  if (typeof loader._load !== "function") return false;
  loading.set(client, (loading.get(client) ?? 0) + 1);
  if (!hook) {
    const original = loader._load;
    const installed: Load = function (request, parent, isMain) {
      const standIn = loading.size > 0 ? standInFor(request, parent) : undefined;
      const loadReal = () => original.call(this, request, parent, isMain);
      if (!standIn) return loadReal();
      let real: Record<PropertyKey, unknown> | undefined;
      return standIn(() => (real ??= loadReal() as Record<PropertyKey, unknown>));
    };
    hook = { original, installed };
    loader._load = installed;
  }
  return true;
}

function stop(client: string): void {
  const left = (loading.get(client) ?? 1) - 1;
  if (left > 0) loading.set(client, left);
  else loading.delete(client);
  if (loading.size > 0 || !hook) return;
  // Another hook set on top of ours stays; ours then passes every call through.
  if (loader._load === hook.installed) loader._load = hook.original;
  hook = undefined;
}

/** The stand-in a `require` of `request` from `parent` gets, if any. */
function standInFor(request: string, parent: unknown): StandIn | undefined {
  const clientStandIn = CLIENT_STAND_INS.get(request);
  const builtInStandIn = BUILT_IN_STAND_INS.get(request);
  if (!clientStandIn && !builtInStandIn) return undefined;
  const file = (parent as { filename?: unknown } | null)?.filename;
  if (typeof file !== "string") return undefined;
  const path = file.replaceAll("\\", "/");
  if (clientStandIn) {
    for (const client of loading.keys()) {
      if (path.includes(`/${client}/`)) return clientStandIn;
    }
    return undefined;
  }
  return /\/@(smithy|aws-sdk|aws)\//.test(path) ? builtInStandIn : undefined;
}

/**
 * Exports whose `functions` stand in for the real ones until used; anything else, and listing,
 * testing or changing the exports, loads the real module and goes to it.
 */
function lazyExports(
  load: () => Record<PropertyKey, unknown>,
  functions: string[],
  own: Record<string, unknown> = {},
): object {
  const standIns = new Map<PropertyKey, unknown>(Object.entries(own));
  for (const name of functions) {
    if (!standIns.has(name)) standIns.set(name, lazyFunction(() => load()[name] as Callable));
  }
  return new Proxy({}, {
    get: (_target, key) => standIns.has(key) ? standIns.get(key) : Reflect.get(load(), key),
    set: (_target, key, value) => {
      standIns.delete(key);
      return Reflect.set(load(), key, value);
    },
    // A build that lists or copies the module's keys (esbuild's __copyProps) loads the real
    // module, and gets what it would get from it.
    has: (_target, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_target, key) => {
      const found = Reflect.getOwnPropertyDescriptor(load(), key);
      // Reported as configurable: a proxy may not claim a fixed property its target ({}) lacks.
      return found && { ...found, configurable: true };
    },
  });
}

// deno-lint-ignore no-explicit-any
type Callable = (...args: any[]) => any;

/**
 * A function (or class) that is `real()` in every use: called, constructed, `instanceof`, its
 * properties; `own` answers some properties itself.
 */
function lazyFunction(real: () => Callable, own: Record<string, unknown> = {}): Callable {
  const standIn: Callable = new Proxy(function () {} as Callable, {
    apply: (_target, self, args) => Reflect.apply(real(), self, args),
    construct: (_target, args, newTarget) =>
      Reflect.construct(real(), args, newTarget === standIn ? real() : newTarget),
    get: (_target, key) => Object.hasOwn(own, key) ? own[key as string] : Reflect.get(real(), key),
    set: (_target, key, value) => Reflect.set(real(), key, value),
    has: (_target, key) => Reflect.has(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
  return standIn;
}

/**
 * `@smithy/node-http-handler`'s stand-in: `NodeHttpHandler.create(handler)` hands back a handler
 * it is given, as the real one does, without loading the package.
 */
function nodeHttpHandler(load: () => Record<PropertyKey, unknown>): object {
  type HandlerClass = Callable & { create(handler: unknown): unknown };
  const realClass = () => load().NodeHttpHandler as HandlerClass;
  const create = (handler: unknown) =>
    typeof (handler as { handle?: unknown } | undefined)?.handle === "function"
      ? handler
      : realClass().create(handler);
  return lazyExports(load, ["streamCollector"], {
    NodeHttpHandler: lazyFunction(realClass, { create }),
  });
}
