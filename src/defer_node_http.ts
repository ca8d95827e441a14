/**
 * Loads an AWS SDK client without `@smithy/node-http-handler`. The clients' CommonJS build
 * requires that package as it loads, and with it `node:http`, `node:https` and `node:http2`:
 * 15–20 ms of each portal or OIDC call's start, for a handler aws-sso replaces with `fetch` (see
 * `aws_http.ts`). While a client loads, a stand-in takes the package's place in the CommonJS
 * module cache; it loads the real package the moment anything needs it, so that other code of
 * the process (a program that builds its own SDK clients) sees no difference. Loaded only with
 * the SDK clients.
 *
 * @module
 */

import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const PACKAGE = "@smithy/node-http-handler";

/** A CommonJS module record, as `require.cache` holds it. */
interface CachedModule {
  id: string;
  filename: string;
  loaded: boolean;
  exports: unknown;
  children: unknown[];
  paths: string[];
}

/** The stand-ins in place, by the package file they stand for, and how many loads use each. */
const standIns = new Map<string, { record: CachedModule; users: number }>();

/**
 * Runs `load` (the import of a module that loads an SDK client) with the stand-in in place.
 * Whatever goes wrong in setting it up, `load` still runs: the stand-in only saves time.
 *
 * @param clientUrl resolves the SDK client package to its file (`import.meta.resolve(...)`)
 * @param load imports the module that loads the client
 * @returns what `load` returns
 */
export async function withoutNodeHttp<T>(
  clientUrl: () => string,
  load: () => Promise<T>,
): Promise<T> {
  let undo: (() => void) | undefined;
  try {
    undo = standIn(clientUrl());
  } catch {
    // Not a file of an npm cache (a bundle, a loader without import.meta.resolve of npm
    // packages): the client loads as it comes.
  }
  try {
    return await load();
  } finally {
    undo?.();
  }
}

/** Puts the stand-in in place for the client at `clientUrl`; returns what takes it away. */
function standIn(clientUrl: string): (() => void) | undefined {
  const nodeRequire = createRequire(clientUrl);
  const cache = nodeRequire.cache as Record<string, CachedModule | undefined>;
  // Already loaded: the client, or the package itself (by the program, or a client loaded before).
  if (cache[fileURLToPath(clientUrl)]) return undefined;
  const path = nodeRequire.resolve(PACKAGE);
  let entry = standIns.get(path);
  if (!entry) {
    if (cache[path]) return undefined;
    const record = standInRecord(path, () => {
      // Past the stand-in: the real package takes its place in the cache, for good.
      if (cache[path] === record) delete cache[path];
      return nodeRequire(path);
    });
    entry = { record, users: 0 };
    standIns.set(path, entry);
    cache[path] = entry.record;
  }
  const taken = entry;
  taken.users++;
  return () => {
    if (--taken.users > 0) return;
    standIns.delete(path);
    // From now on, whoever requires the package gets the real one.
    if (cache[path] === taken.record) delete cache[path];
  };
}

/**
 * The stand-in's module record. `NodeHttpHandler.create(handler)` hands back a handler it is
 * given, as the real one does; everything else loads the real package and is passed on to it.
 */
function standInRecord(path: string, loadReal: () => unknown): CachedModule {
  let real: Record<PropertyKey, unknown> | undefined;
  const load = () => (real ??= loadReal() as Record<PropertyKey, unknown>);
  const realClass = () => load().NodeHttpHandler as new (...args: unknown[]) => object;
  const create = (handler: unknown) =>
    typeof (handler as { handle?: unknown } | undefined)?.handle === "function"
      ? handler
      : (realClass() as unknown as { create(h: unknown): unknown }).create(handler);
  const handlerClass: object = new Proxy(function NodeHttpHandler() {}, {
    // A subclass of the stand-in builds its own kind of object on the real class.
    construct: (_target, args, newTarget) =>
      Reflect.construct(realClass(), args, newTarget === handlerClass ? realClass() : newTarget),
    apply: (_target, self, args) => Reflect.apply(realClass(), self, args),
    get: (_target, key) => key === "create" ? create : Reflect.get(realClass(), key),
    has: (_target, key) => Reflect.has(realClass(), key),
  });
  const streamCollector = (...args: unknown[]) =>
    (load().streamCollector as (...a: unknown[]) => unknown)(...args);
  const exports = new Proxy({}, {
    get: (_target, key) =>
      key === "NodeHttpHandler"
        ? handlerClass
        : key === "streamCollector"
        ? streamCollector
        : Reflect.get(load(), key),
    has: (_target, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_target, key) => {
      const d = Reflect.getOwnPropertyDescriptor(load(), key);
      // A proxy may report a property that its target ({}) lacks only as configurable.
      return d && { ...d, configurable: true };
    },
  });
  return { id: path, filename: path, loaded: true, exports, children: [], paths: [] };
}
