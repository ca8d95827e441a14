/**
 * Test helper for `write_file_safely_test.ts`, run in a child process that the test kills: rewrites
 * a file forever with alternating full contents, all "a" or all "b", of a given size. Prints
 * `ready` once the first write is done.
 *
 * Usage: `_writer_child.ts <path> <bytes> <safe|naive>`; `naive` truncates and writes in place (the
 * control that shows the kill test can see a torn file).
 *
 * @module
 */

import { denoRuntime } from "../../src/deno_runtime.ts";
import { writeFileSafely } from "../../src/files/write_file_safely.ts";

const [path = "", bytes = "0", how = "safe"] = Deno.args;
const texts = ["a".repeat(Number(bytes)), "b".repeat(Number(bytes))];
const runtime = denoRuntime();
for (let i = 0;; i++) {
  const text = texts[i % 2] ?? "";
  if (how === "naive") await Deno.writeTextFile(path, text);
  else await writeFileSafely(runtime, path, text);
  if (i === 0) console.log("ready");
}
