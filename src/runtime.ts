/**
 * The seam between aws-sso and the world: files, environment, clock, processes, terminal and the
 * AWS service clients. Every function of the library takes a {@linkcode Runtime}:
 * {@linkcode denoRuntime} is the real one, and a caller may replace any of its parts (an
 * in-memory file system, a recorded `spawn`, a fixed clock).
 *
 * @module
 */

import type { OidcApi, OidcClientOptions } from "./token/oidc_api.ts";
import type { PortalApi, PortalClientOptions } from "./portal/portal_api.ts";

/** What {@linkcode FileSystem.stat} tells of a path. */
export interface FileInfo {
  /** Permission bits (`0o600`), or `null` where the platform has none. */
  mode: number | null;
  /** Whether it is a regular file. */
  isFile: boolean;
  /** Whether it is a directory. */
  isDirectory: boolean;
  /** Last modification, epoch milliseconds, or `null` when unknown. */
  mtimeMs: number | null;
}

/** Options of {@linkcode FileSystem.writeFile}. */
export interface WriteFileOptions {
  /** Mode for a file that is created. */
  mode?: number;
  /** Fail with `Deno.errors.AlreadyExists` if the file exists (default `false`). */
  createNew?: boolean;
  /** Flush the data to disk before returning (default `false`). */
  fsync?: boolean;
}

/** Options of {@linkcode FileSystem.readTextFile}. */
export interface ReadTextFileOptions {
  /** Fail on bytes that are not UTF-8 instead of reading them as U+FFFD. Default `false`. */
  strict?: boolean;
}

/**
 * The file operations aws-sso needs. Missing files read as `null`, never as an exception.
 *
 * An implementation reports two conditions with Deno's error classes, which the locks and the
 * safe writer act on: `Deno.errors.AlreadyExists` from `writeFile` with `createNew` when the
 * file exists (someone else holds the lock), and `Deno.errors.NotFound` from `writeFile` when
 * the folder does not exist (it is then created). Any other error is reported as it is.
 */
export interface FileSystem {
  /**
   * Reads a UTF-8 file, or `null` when it does not exist. Bytes that are not UTF-8 read as U+FFFD,
   * or with `strict` fail with `Deno.errors.InvalidData` naming the path and line (aws-sso reads the
   * files it edits strictly, so that it never writes such bytes back changed).
   */
  readTextFile(path: string, options?: ReadTextFileOptions): Promise<string | null>;
  /** Writes a whole file. */
  writeFile(path: string, data: string, options?: WriteFileOptions): Promise<void>;
  /** Renames atomically within one file system. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** Describes a path without following a final link, or `null` when it does not exist. */
  stat(path: string): Promise<FileInfo | null>;
  /** Creates a directory and its parents with `mode` (default `0o700`). */
  mkdir(path: string, mode?: number): Promise<void>;
  /** Changes permission bits. */
  chmod(path: string, mode: number): Promise<void>;
  /** The names in a directory, or `[]` when it does not exist. */
  readDir(path: string): Promise<string[]>;
  /** The absolute path with every link resolved, or `null` when it (or a link's target) does not exist. */
  realPath(path: string): Promise<string | null>;
  /** Sets the modification (and access) time, epoch milliseconds. */
  utime(path: string, mtimeMs: number): Promise<void>;
}

/** Where a child process's output goes. */
export type SpawnOutput = "stderr" | "null";

/** Options of {@linkcode Runtime.spawn}. */
export interface SpawnOptions {
  /** Forward the child's stdout and stderr to our stderr, or discard them (default `"stderr"`). */
  output?: SpawnOutput;
  /** Stop waiting after this many milliseconds: `spawn` gives `null`, the child runs on. */
  timeoutMs?: number;
}

/** A writable text stream. */
export interface TextSink {
  /** Writes text as is. */
  write(text: string): void;
  /** Whether it is an interactive terminal. */
  isTerminal: boolean;
}

/** The terminal, for the interactive chooser. */
export interface Terminal {
  /** Whether stdin is an interactive terminal. */
  isTerminal: boolean;
  /** Switches raw mode on or off. */
  setRaw(raw: boolean): void;
  /** Keystrokes as they arrive. */
  read(): AsyncIterable<Uint8Array>;
  /** Columns and rows, when known. */
  size(): { columns: number; rows: number };
}

/** A running loopback HTTP server. */
export interface LoopbackServer {
  /** The port it listens on (127.0.0.1 only). */
  port: number;
  /** Stops it. */
  close(): Promise<void>;
}

/** How this program was started, to write `credential_process` lines that call it again. */
export interface ProgramInfo {
  /** The executable: the compiled binary, or the `deno` binary. */
  execPath: string;
  /** The CLI module's URL (`file:///…/cli.ts`, `https://jsr.io/@ssokit/aws-sso/VERSION/cli.ts`). */
  mainModule: string;
  /** Whether this is a `deno compile` binary. */
  standalone: boolean;
}

/** Everything aws-sso touches outside of pure computation. */
export interface Runtime {
  /** File access. */
  fs: FileSystem;
  /** An environment variable, or `undefined` when unset or not permitted. */
  env(name: string): string | undefined;
  /** The current time, epoch milliseconds. */
  now(): number;
  /** Waits. */
  sleep(ms: number): Promise<void>;
  /**
   * Runs a program and resolves to its exit code: `-1` if it could not start, `null` if it still
   * runs after `timeoutMs`.
   */
  spawn(command: string, args: string[], options?: SpawnOptions): Promise<number | null>;
  /**
   * Whether a process with this pid is alive (a lock holder check): `true` when known to run,
   * `false` when known to be gone, `undefined` when it cannot tell. It must not disturb the
   * process.
   */
  isAlive(pid: number): boolean | undefined;
  /**
   * Runs `cleanup` should the process be interrupted (SIGINT, SIGTERM) before the returned
   * function is called, and then ends it (exit code 130 or 143). Locks release themselves this
   * way. Optional (`denoRuntime` has it with `releaseLocksOnInterrupt`): without it, signals are
   * the program's own, and an interrupted holder's lock is taken over once stale.
   */
  onInterrupt?: ((cleanup: () => Promise<void>) => () => void) | undefined;
  /** How this program was started. */
  program: ProgramInfo;
  /** This process's id. */
  pid: number;
  /** This machine's name (lock owners are told apart by it), or `""` when unknown. */
  hostname: string;
  /** `"linux"`, `"darwin"`, `"windows"`, … */
  os: string;
  /** Machine output (credential JSON, env lines, listings). */
  stdout: TextSink;
  /** Messages, progress and prompts. */
  stderr: TextSink;
  /** The terminal behind stdin. */
  terminal: Terminal;
  /** Serves HTTP on 127.0.0.1, on an ephemeral port (the PKCE redirect). */
  serveLoopback(
    handler: (request: Request) => Response | Promise<Response>,
  ): Promise<LoopbackServer>;
  /** Builds an SSO portal client (loaded lazily). */
  portal(options: PortalClientOptions): Promise<PortalApi>;
  /** Builds an SSO OIDC client (loaded lazily). */
  oidc(options: OidcClientOptions): Promise<OidcApi>;
}
