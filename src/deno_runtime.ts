/**
 * The {@linkcode Runtime} backed by Deno's APIs. The AWS SDK clients are imported on first use only,
 * so a call answered from the cache never loads them.
 *
 * @module
 */

import { errorReason, SsoError } from "./errors.ts";
import type { FileInfo, FileSystem, Runtime, SpawnOptions, TextSink } from "./runtime.ts";

function isNotFound(err: unknown): boolean {
  return err instanceof Deno.errors.NotFound;
}

/** The error of a strict read of bytes that are not UTF-8, naming the line of the first bad one. */
function notUtf8(path: string, bytes: Uint8Array, at: number): Error {
  // Lines end as the INI reader ends them: CRLF, CR or LF.
  let line = 1;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 0x0d || (bytes[i] === 0x0a && bytes[i - 1] !== 0x0d)) line++;
  }
  const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0");
  return new Deno.errors.InvalidData(
    `Cannot parse ${path}: line ${line}: it is not UTF-8 text (byte 0x${byte})`,
  );
}

/** Where the first byte sequence that is not UTF-8 starts (RFC 3629), or the length. */
function firstNotUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf
      ? 1
      : c >= 0xe0 && c <= 0xef
      ? 2
      : c >= 0xf0 && c <= 0xf4
      ? 3
      : 0;
    if (n === 0 || i + n >= b.length) return i; // not a lead byte, or cut short by the end
    for (let k = 1; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    const d = b[i + 1]!;
    if (
      (c === 0xe0 && d < 0xa0) || (c === 0xed && d >= 0xa0) || (c === 0xf0 && d < 0x90) ||
      (c === 0xf4 && d >= 0x90)
    ) return i;
    i += n + 1;
  }
  return b.length;
}

/**
 * The Deno file system, with missing files read as `null`. Every operation but an fsync'ed write
 * is synchronous under its promise: they are small and local, and a process's first asynchronous
 * file operation starts Deno's I/O thread pool, a cost the credential_process paths do without.
 */
export const denoFileSystem: FileSystem = {
  // deno-lint-ignore require-await
  async readTextFile(path, options = {}) {
    let text: string;
    try {
      // Bytes that are not UTF-8 read as U+FFFD; a BOM stays in the text.
      text = Deno.readTextFileSync(path);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    // Only then are the bytes looked at: the common case costs one search.
    if (options.strict && text.includes("\uFFFD")) {
      const bytes = Deno.readFileSync(path);
      const at = firstNotUtf8(bytes);
      if (at < bytes.length) throw notUtf8(path, bytes, at);
    }
    return text;
  },

  async writeFile(path, data, options = {}) {
    const openOptions = {
      write: true,
      create: true,
      truncate: true,
      createNew: options.createNew ?? false,
      ...(options.mode !== undefined ? { mode: options.mode } : {}),
    };
    const bytes = new TextEncoder().encode(data);
    if (!options.fsync) {
      // Small files (locks, claims, notes): synchronous like the rest.
      const file = Deno.openSync(path, openOptions);
      try {
        let written = 0;
        while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
      } finally {
        file.close();
      }
      return;
    }
    const file = await Deno.open(path, openOptions);
    try {
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
  },
  // deno-lint-ignore require-await
  async rename(from, to) {
    Deno.renameSync(from, to);
  },
  // deno-lint-ignore require-await
  async remove(path) {
    try {
      Deno.removeSync(path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
  // deno-lint-ignore require-await
  async stat(path): Promise<FileInfo | null> {
    try {
      const s = Deno.lstatSync(path);
      return {
        mode: s.mode === null ? null : s.mode & 0o7777,
        isFile: s.isFile,
        isDirectory: s.isDirectory,
        mtimeMs: s.mtime?.getTime() ?? null,
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  },
  // deno-lint-ignore require-await
  async mkdir(path, mode = 0o700) {
    Deno.mkdirSync(path, { recursive: true, mode });
  },
  // deno-lint-ignore require-await
  async chmod(path, mode) {
    Deno.chmodSync(path, mode);
  },
  // deno-lint-ignore require-await
  async readDir(path) {
    const names: string[] = [];
    try {
      for (const entry of Deno.readDirSync(path)) names.push(entry.name);
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    return names;
  },
  // deno-lint-ignore require-await
  async realPath(path) {
    try {
      return Deno.realPathSync(path);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  },
  // deno-lint-ignore require-await
  async utime(path, mtimeMs) {
    Deno.utimeSync(path, new Date(mtimeMs), new Date(mtimeMs));
  },
};

function envGetter(name: string): string | undefined {
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
    return undefined;
  }
  return Deno.env.get(name);
}

/** The host name, or `""` without `--allow-sys=hostname` (never a permission prompt). */
function hostname(): string {
  if (Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state !== "granted") return "";
  try {
    return Deno.hostname();
  } catch {
    return "";
  }
}

function sink(
  stream: { writeSync(p: Uint8Array): number; isTerminal(): boolean },
  name: string,
): TextSink {
  const encoder = new TextEncoder();
  return {
    write(text) {
      const bytes = encoder.encode(text);
      let written = 0;
      try {
        while (written < bytes.length) written += stream.writeSync(bytes.subarray(written));
      } catch (err) {
        // A closed pipe (`| head`) is no failure: the CLI ends quietly on it.
        if (err instanceof Deno.errors.BrokenPipe) throw err;
        throw new SsoError("FILE_ERROR", `Cannot write to ${name}: ${errorReason(err)}`, {
          hint: "check where the output goes (a full disk, a closed file)",
          cause: err,
        });
      }
    },
    isTerminal: stream.isTerminal(),
  };
}

async function spawn(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<number | null> {
  const output = options.output ?? "stderr";
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: output === "stderr" ? "piped" : "null",
      stderr: output === "stderr" ? "piped" : "null",
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable) throw err;
    return -1;
  }
  const forward = async (stream: ReadableStream<Uint8Array> | null) => {
    if (!stream) return;
    for await (const chunk of stream) Deno.stderr.writeSync(chunk);
  };
  const done = Promise.all([
    output === "stderr" ? forward(child.stdout) : Promise.resolve(),
    output === "stderr" ? forward(child.stderr) : Promise.resolve(),
  ]).then(() => child.status).then((s) => s.code);
  if (options.timeoutMs === undefined) return await done;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), options.timeoutMs);
  });
  try {
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Clean-ups to run when the process is interrupted (see `Runtime.onInterrupt`). */
const cleanups = new Set<() => Promise<void>>();
/** The signal listeners, installed while there are clean-ups. */
const listeners = new Map<Deno.Signal, () => void>();
let interrupting = false;

/** Registers a clean-up for SIGINT and SIGTERM (SIGINT only on Windows). */
function onInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  if (listeners.size === 0) {
    const signals: [Deno.Signal, number][] = Deno.build.os === "windows"
      ? [["SIGINT", 130]]
      : [["SIGINT", 130], ["SIGTERM", 143]];
    for (const [signal, code] of signals) {
      const listener = () => void interrupted(code);
      listeners.set(signal, listener);
      Deno.addSignalListener(signal, listener);
    }
  }
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size > 0 || interrupting) return;
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    listeners.clear();
  };
}

/** Runs the clean-ups (for 2 s at most) and ends the process with `code`. */
async function interrupted(code: number): Promise<void> {
  if (interrupting) return;
  interrupting = true;
  const all = [...cleanups].map((cleanup) => cleanup().catch(() => {}));
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(all),
    new Promise((resolve) => timer = setTimeout(resolve, 2_000)),
  ]);
  clearTimeout(timer);
  Deno.exit(code);
}

/** Imports the module that builds an SDK client, without the SDK modules its calls never use. */
async function loadClient<T>(client: string, load: () => Promise<T>): Promise<T> {
  const { withDeferredModules } = await import("./defer_sdk_modules.ts");
  return await withDeferredModules(client, load);
}

/** Options of {@linkcode denoRuntime}. */
export interface DenoRuntimeOptions {
  /**
   * On SIGINT or SIGTERM while a lock is held (a sign-in, a refresh, a write), release the locks
   * and end the process (exit code 130 or 143), so that the next caller does not wait for them.
   * The CLI sets it; a program with its own signal handling leaves it off (default `false`).
   */
  releaseLocksOnInterrupt?: boolean;
}

/**
 * Builds the real runtime: Deno's file system, environment (as permitted), clock, processes and
 * terminal, and the AWS SDK clients, loaded on first use. Spread your own parts over it to
 * replace them (`{ ...denoRuntime(), fs: myFs }`).
 *
 * @param options what the process may do on its own: end on Ctrl-C while holding a lock
 * @returns a {@linkcode Runtime} over Deno's APIs
 */
export function denoRuntime(options: DenoRuntimeOptions = {}): Runtime {
  return {
    fs: denoFileSystem,
    env: envGetter,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    spawn,
    isAlive(pid) {
      // 0 and negative numbers name process groups, not a process. And no signal is sent: even
      // SIGCONT resumes a stopped job, which may be a stranger that got a dead holder's pid.
      if (!Number.isSafeInteger(pid) || pid <= 0 || Deno.build.os !== "linux") return undefined;
      try {
        Deno.statSync(`/proc/${pid}`);
        return true;
      } catch (err) {
        // Only "no such file" proves it gone. NotCapable (the scoped build may not read /proc)
        // says nothing: the lock's age decides.
        return err instanceof Deno.errors.NotFound ? false : undefined;
      }
    },
    onInterrupt: options.releaseLocksOnInterrupt ? onInterrupt : undefined,
    program: {
      execPath: Deno.execPath(),
      // The CLI module, however this program was started (mod.ts, a script that calls main()):
      // what credential_process lines should run, loading no more than a call needs. Worked out
      // when asked: a cached credential_process call never does.
      get mainModule() {
        return new URL("../cli.ts", import.meta.url).href;
      },
      standalone: Deno.build.standalone ?? false,
    },
    pid: Deno.pid,
    hostname: hostname(),
    os: Deno.build.os,
    stdout: sink(Deno.stdout, "standard output"),
    stderr: sink(Deno.stderr, "standard error"),
    terminal: {
      isTerminal: Deno.stdin.isTerminal(),
      setRaw: (raw) => Deno.stdin.setRaw(raw),
      read: () => Deno.stdin.readable,
      size() {
        try {
          return Deno.consoleSize();
        } catch {
          return { columns: 80, rows: 24 };
        }
      },
    },
    serveLoopback(handler) {
      return new Promise((resolve) => {
        const server = Deno.serve({
          hostname: "127.0.0.1",
          port: 0,
          onListen: ({ port }) => resolve({ port, close: () => server.shutdown() }),
        }, handler);
      });
    },
    async portal(options) {
      const { sdkPortal } = await loadClient(
        "@aws-sdk/client-sso",
        () => import("./portal/sdk_portal.ts"),
      );
      return sdkPortal(options);
    },
    async oidc(options) {
      const { sdkOidc } = await loadClient(
        "@aws-sdk/client-sso-oidc",
        () => import("./token/sdk_oidc.ts"),
      );
      return sdkOidc(options);
    },
  };
}
