/**
 * Preloaded (`deno run --preload`) by the test of the modules aws-sso leaves unloaded: records
 * every CommonJS `require` of those modules that reaches Node's loader (that is, every real load,
 * not a stand-in) and says which on stderr as the process ends, as one `required: ...` line.
 */

import Module from "node:module";

const WATCHED = new Set([
  "@smithy/node-http-handler",
  "@smithy/core/checksum",
  "node:crypto",
  "node:fs",
  "node:fs/promises",
  "node:zlib",
  "@smithy/signature-v4",
  "@aws-sdk/xml-builder",
]);

type Load = (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };
const original = loader._load;
const seen = new Set<string>();
loader._load = function (request, parent, isMain) {
  if (WATCHED.has(request)) seen.add(request);
  return original.call(this, request, parent, isMain);
};
globalThis.addEventListener("unload", () => {
  console.error(`required: ${[...seen].sort().join(",")}`);
});
