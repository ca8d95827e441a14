/**
 * Test helper for `lock_test.ts`, run in child processes.
 *
 * - `hold <lockPath>`: takes the lock, prints `locked`, and holds it until killed; its runtime
 *   releases its locks and exits on SIGINT or SIGTERM, as the CLI's does.
 * - `host <lockPath>`: a program with its own SIGINT handler (it prints `graceful`) that holds the
 *   lock for a second with the default runtime, then prints `after`.
 * - `count <lockPath> <counterPath> <times> <goPath> <lock|nolock>`: prints `ready`, waits for
 *   `goPath` to exist, then `times` times reads the number in `counterPath`, waits 0–3 ms and writes
 *   it back plus one, under the lock or (the control) without. Under the lock it also checks that
 *   nobody else is inside (a marker file created exclusively) and exits with code 3 if someone is.
 *
 * @module
 */

import { denoRuntime } from "../../src/deno_runtime.ts";
import { withLock } from "../../src/files/lock.ts";
import { writeFileSafely } from "../../src/files/write_file_safely.ts";

const [mode = "", lockPath = "", ...rest] = Deno.args;
const runtime = denoRuntime({ releaseLocksOnInterrupt: mode === "hold" });

if (mode === "host") {
  Deno.addSignalListener("SIGINT", () => console.log("graceful"));
  await withLock(runtime, lockPath, async () => {
    console.log("locked");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  });
  console.log("after");
  Deno.exit(0);
} else if (mode === "hold") {
  await withLock(runtime, lockPath, async () => {
    console.log("locked");
    await new Promise((resolve) => setTimeout(resolve, 3_600_000));
  });
} else if (mode === "count") {
  const [counterPath = "", times = "0", goPath = "", how = "lock"] = rest;
  const inside = `${counterPath}.inside`;
  const increment = async (): Promise<void> => {
    const n = Number(await runtime.fs.readTextFile(counterPath) ?? "0");
    await runtime.sleep(Math.random() * 3);
    await writeFileSafely(runtime, counterPath, String(n + 1));
  };
  const exclusive = async (): Promise<void> => {
    try {
      await runtime.fs.writeFile(inside, String(runtime.pid), { createNew: true });
    } catch {
      console.log("overlap");
      Deno.exit(3);
    }
    await increment();
    await runtime.fs.remove(inside);
  };
  console.log("ready");
  while (await runtime.fs.stat(goPath) === null) await runtime.sleep(5);
  for (let i = 0; i < Number(times); i++) {
    if (how === "lock") await withLock(runtime, lockPath, exclusive);
    else await increment();
  }
} else {
  console.error(`unknown mode: ${mode}`);
  Deno.exit(2);
}
