/**
 * Loads an AWS SDK client without the modules aws-sso's calls never use. The clients' CommonJS
 * build loads, as it starts, much that the portal and OIDC calls do without:
 *
 * - `@smithy/node-http-handler`, and with it `node:http`, `node:https` and `node:http2`, for a
 *   handler aws-sso replaces with `fetch` (see `aws_http.ts`);
 * - `@smithy/core/checksum`, and with it `node:zlib`, for the default SHA-256 of signing and
 *   checksums (the portal and OIDC calls are neither signed nor checksummed);
 * - `node:crypto`, `node:fs` and `node:fs/promises`, which the SDK's files take functions from
 *   as they load, for hashing, file bodies and config files;
 * - `@smithy/signature-v4` and `@aws-sdk/xml-builder`, for SigV4 signing and XML protocols.
 *
 * About 12 ms of each portal or OIDC call's start for the first, 7–12 ms more for the others
 * (same-machine comparisons of the cold `credential_process` call; the last two about 1 ms,
 * measured inside the process). While a client loads, those `require`s get stand-ins instead: the
 * client's own files for the first two, and any SDK file (`@smithy/*`, `@aws-sdk/*`, `@aws/*`) for
 * the others, including SDK files that a program of its own loads meanwhile. A stand-in for a function or class takes the real one, once, when it is
 * first called, constructed or looked into, and is the real one from then on in every use: what
 * it returns and throws, `instanceof`, subclasses, its properties and their descriptors (freezing
 * it fails). A stand-in for a module loads it when anything else is read from it, when its keys
 * are listed or tested, or when it is changed, and passes all of that on. `NodeHttpHandler.create`
 * given a handler hands it back, as the real one does, without loading the package. Stand-ins are
 * never in `require.cache`: a program that requires these modules itself gets the real ones; one
 * that builds its own clients from the SDK files aws-sso loaded (the same packages, in the same
 * process) holds the stand-ins those files were handed, which act as the real ones. Loaded only
 * with the SDK clients.
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
 * Any SDK file's `require` of these gets stand-ins whose named functions (and classes) load the
 * module when first used. The names are the ones the SDK takes as it loads; any other name loads
 * the module at once.
 */
const SDK_STAND_INS = new Map<string, StandIn>(
  [
    ["node:crypto", ["createHash", "createHmac", "getRandomValues"]],
    ["node:fs", ["ReadStream", "createReadStream", "fstatSync", "lstatSync"]],
    ["node:fs/promises", ["readFile"]],
    ["node:zlib", []],
    // SigV4 signing (the portal and OIDC calls are not signed) and the XML protocols.
    ["@smithy/signature-v4", ["SignatureV4"]],
    ["@aws-sdk/xml-builder", ["XmlNode", "XmlText", "parseXML"]],
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
  // Another hook set on top of ours stays, and so does ours under it: it passes every call
  // through until the next load, which uses it again rather than stacking a second one.
  if (loader._load === hook.installed) {
    loader._load = hook.original;
    hook = undefined;
  }
}

/** The stand-in a `require` of `request` from `parent` gets, if any. */
function standInFor(request: string, parent: unknown): StandIn | undefined {
  const clientStandIn = CLIENT_STAND_INS.get(request);
  const sdkStandIn = SDK_STAND_INS.get(request);
  if (!clientStandIn && !sdkStandIn) return undefined;
  const file = (parent as { filename?: unknown } | null)?.filename;
  if (typeof file !== "string") return undefined;
  const path = file.replaceAll("\\", "/");
  if (clientStandIn) {
    for (const client of loading.keys()) {
      if (path.includes(`/${client}/`)) return clientStandIn;
    }
    return undefined;
  }
  return /\/@(smithy|aws-sdk|aws)\//.test(path) ? sdkStandIn : undefined;
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
    if (standIns.has(name)) continue;
    let found: Callable | undefined;
    standIns.set(name, lazyFunction(name, () => (found ??= load()[name] as Callable)));
  }
  return new Proxy({}, {
    get: (_target, key) => standIns.has(key) ? standIns.get(key) : Reflect.get(load(), key),
    set: (_target, key, value) => {
      standIns.delete(key);
      return Reflect.set(load(), key, value);
    },
    defineProperty: (_target, key, descriptor) => {
      standIns.delete(key);
      return Reflect.defineProperty(load(), key, descriptor);
    },
    deleteProperty: (_target, key) => {
      standIns.delete(key);
      return Reflect.deleteProperty(load(), key);
    },
    // A build that lists or copies the module's keys (esbuild's __copyProps) loads the real
    // module, and gets what it would get from it.
    has: (_target, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_target, key) =>
      configurable(Reflect.getOwnPropertyDescriptor(load(), key)),
    getPrototypeOf: () => Reflect.getPrototypeOf(load()),
    // Frozen or sealed, a stand-in could no longer pass on what the real module holds.
    preventExtensions: () => false,
  });
}

/**
 * A property of the real module or function, reported as configurable: a proxy may not claim a
 * fixed property that its (empty) target lacks.
 */
function configurable(found: PropertyDescriptor | undefined): PropertyDescriptor | undefined {
  return found && { ...found, configurable: true };
}

// deno-lint-ignore no-explicit-any
type Callable = (...args: any[]) => any;

/**
 * A function (or class) named `name` that is `real()` in every use: called, constructed (also as
 * the base of a class), `instanceof`, its properties and their descriptors; `own` answers some
 * properties itself.
 */
function lazyFunction(
  name: string,
  real: () => Callable,
  own: Record<string, unknown> = {},
): Callable {
  // A bound function: constructible, with no `prototype` of its own to contradict the real one's.
  const target = function () {}.bind(null) as Callable;
  Object.defineProperty(target, "name", { value: name });
  const standIn: Callable = new Proxy(target, {
    apply: (_target, self, args) => Reflect.apply(real(), self, args),
    construct: (_target, args, newTarget) =>
      Reflect.construct(real(), args, newTarget === standIn ? real() : newTarget),
    get: (_target, key, receiver) =>
      Object.hasOwn(own, key)
        ? own[key as string]
        : Reflect.get(real(), key, receiver === standIn ? real() : receiver),
    set: (_target, key, value, receiver) =>
      Reflect.set(real(), key, value, receiver === standIn ? real() : receiver),
    has: (_target, key) => Reflect.has(real(), key),
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_target, key) => Reflect.deleteProperty(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_target, key) =>
      configurable(Reflect.getOwnPropertyDescriptor(real(), key)),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    preventExtensions: () => false,
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
    NodeHttpHandler: lazyFunction("NodeHttpHandler", realClass, { create }),
  });
}
