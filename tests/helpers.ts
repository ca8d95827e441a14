/**
 * Shared test fixtures: temp HOME folders and a Runtime over real files with captured output,
 * an injected clock and a fixed environment.
 *
 * @module
 */

import { join, relative } from "node:path";
import { denoRuntime } from "../src/deno_runtime.ts";
import type { Runtime, TextSink } from "../src/runtime.ts";

/** A temp folder removed at the end of the `await using` scope. */
export interface TmpDir extends AsyncDisposable {
  path: string;
}

/** Creates a temp folder: `await using tmp = await withTmpDir();`. */
export async function withTmpDir(): Promise<TmpDir> {
  const path = await Deno.makeTempDir({ prefix: "aws-sso-test-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** A Runtime for tests plus what it captured. */
export interface TestRuntime extends Runtime {
  /** Everything written to stdout. */
  out(): string;
  /** Everything written to stderr. */
  err(): string;
  /** Moves the injected clock. */
  advance(ms: number): void;
  /** The environment it sees (mutable). */
  vars: Record<string, string>;
}

function captureSink(isTerminal: boolean): TextSink & { text: string } {
  const s = {
    text: "",
    isTerminal,
    write(t: string) {
      s.text += t;
    },
  };
  return s;
}

/** Options of {@linkcode testRuntime}. */
export interface TestRuntimeOptions {
  /** The HOME it sees; also `AWS_CONFIG_FILE` etc. may be set through `env`. */
  home: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** The start of the injected clock, epoch ms (default: the real now). */
  now?: number;
  /** Fields to replace (spawn, portal, oidc, …). */
  overrides?: Partial<Runtime>;
}

/** A Runtime over real files with a fixed environment, an injected clock and captured output. */
export function testRuntime(options: TestRuntimeOptions): TestRuntime {
  const real = denoRuntime();
  let clock = options.now ?? Date.now();
  const vars: Record<string, string> = { HOME: options.home, ...options.env };
  const stdout = captureSink(false);
  const stderr = captureSink(false);
  return {
    ...real,
    env: (name) => vars[name],
    now: () => clock,
    stdout,
    stderr,
    terminal: { ...real.terminal, isTerminal: false },
    ...options.overrides,
    out: () => stdout.text,
    err: () => stderr.text,
    advance(ms) {
      clock += ms;
    },
    vars,
  };
}

/** `~/.aws` inside a temp HOME. */
export function awsDir(home: string): string {
  return join(home, ".aws");
}

/**
 * Every regular file under `dir` (path relative to `dir` → bytes), to compare a HOME before and
 * after a run; a file removed while it is read is left out.
 */
export async function snapshot(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (path: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(path));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const entry of entries) {
      const full = join(path, entry.name);
      if (entry.isDirectory) await walk(full);
      else if (entry.isFile) {
        try {
          files.set(relative(dir, full), await Deno.readFile(full));
        } catch (err) {
          if (!(err instanceof Deno.errors.NotFound)) throw err; // removed meanwhile
        }
      }
    }
  };
  await walk(dir);
  return files;
}
