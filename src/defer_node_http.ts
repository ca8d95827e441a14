/**
 * Loads an AWS SDK client without `@smithy/node-http-handler`. The clients' CommonJS build
 * requires that package as it loads, and with it `node:http`, `node:https` and `node:http2`:
 * about 12 ms of each portal or OIDC call's start, for a handler aws-sso replaces with `fetch` (see
 * `aws_http.ts`). While a client loads, the client's own `require` of the package gets a
 * stand-in, which loads the real package the moment the client needs more than the handler it is
 * given. Nothing else in the process sees the stand-in: a program that builds its own SDK clients
 * gets the real package as before. Loaded only with the SDK clients.
 *
 * @module
 */

import Module from "node:module";

const PACKAGE = "@smithy/node-http-handler";

/** `Module._load(request, parent, isMain)`: what every CommonJS `require` goes through. */
type Load = (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };

/** The clients being loaded (package name → loads in progress), and the hook while there are any. */
const loading = new Map<string, number>();
let hook: { original: Load; installed: Load } | undefined;

/**
 * Runs `load` (the import of a module that loads an SDK client) with the stand-in offered to that
 * client. Where the CommonJS loader cannot be hooked, `load` runs as it is: the stand-in only
 * saves time.
 *
 * @param client the client's npm package, e.g. `"@aws-sdk/client-sso"`
 * @param load imports the module that loads the client
 * @returns what `load` returns
 */
export async function withoutNodeHttp<T>(client: string, load: () => Promise<T>): Promise<T> {
  const installed = start(client);
  try {
    return await load();
  } finally {
    if (installed) stop(client);
  }
}

/** Offers the stand-in to `client` until `stop`; `false` when the loader cannot be hooked. */
function start(client: string): boolean {
  if (typeof loader._load !== "function") return false;
  loading.set(client, (loading.get(client) ?? 0) + 1);
  if (!hook) {
    const original = loader._load;
    const installed: Load = function (request, parent, isMain) {
      if (request === PACKAGE && loading.size > 0 && isClient(parent)) {
        const loadReal = () => original.call(this, request, parent, isMain);
        return standIn(loadReal);
      }
      return original.call(this, request, parent, isMain);
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

/** Whether a CommonJS module is a file of one of the clients being loaded. */
function isClient(parent: unknown): boolean {
  const file = (parent as { filename?: unknown } | null)?.filename;
  if (typeof file !== "string") return false;
  const path = file.replaceAll("\\", "/");
  for (const client of loading.keys()) {
    if (path.includes(`/${client}/`)) return true;
  }
  return false;
}

/**
 * The stand-in's exports. `NodeHttpHandler.create(handler)` hands back a handler it is given, as
 * the real one does; everything else loads the real package and is passed on to it.
 */
function standIn(loadReal: () => unknown): unknown {
  let real: Record<PropertyKey, unknown> | undefined;
  const load = () => (real ??= loadReal() as Record<PropertyKey, unknown>);
  type HandlerClass = (new (...args: unknown[]) => object) & { create(handler: unknown): unknown };
  const realClass = () => load().NodeHttpHandler as HandlerClass;
  const create = (handler: unknown) =>
    typeof (handler as { handle?: unknown } | undefined)?.handle === "function"
      ? handler
      : realClass().create(handler);
  const handlerClass: object = new Proxy(function NodeHttpHandler() {}, {
    construct: (_target, args, newTarget) =>
      Reflect.construct(realClass(), args, newTarget === handlerClass ? realClass() : newTarget),
    get: (_target, key) => key === "create" ? create : Reflect.get(realClass(), key),
  });
  const streamCollector = (...args: unknown[]) =>
    (load().streamCollector as (...a: unknown[]) => unknown)(...args);
  return new Proxy({}, {
    get: (_target, key) =>
      key === "NodeHttpHandler"
        ? handlerClass
        : key === "streamCollector"
        ? streamCollector
        : Reflect.get(load(), key),
    // A build that lists or copies the module's keys (esbuild's __copyProps) loads the real
    // package, and gets what it would get from it.
    has: (_target, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_target, key) => {
      const found = Reflect.getOwnPropertyDescriptor(load(), key);
      // Reported as configurable: a proxy may not claim a fixed property its target ({}) lacks.
      return found && { ...found, configurable: true };
    },
  });
}
