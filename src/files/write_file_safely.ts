/**
 * The one way aws-sso writes a shared file: all or nothing, never torn, never wider than it was.
 *
 * @module
 */

import { basename, dirname, join } from "../path.ts";
import { errorReason, SsoError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";

/** Options of {@linkcode writeFileSafely}. */
export interface WriteFileSafelyOptions {
  /**
   * The file holds secrets (tokens, keys): an existing file readable by group or others is
   * tightened to `0600`, with a one-line note on stderr (default `false`).
   */
  secret?: boolean;
  /**
   * Called with the text before anything is touched; if it throws, nothing is written and its
   * error propagates as it is. Writers pass a "parses back" check here (default: none).
   */
  validate?: (text: string) => void;
  /** What the file is, for messages: `"AWS credentials file"` (default: none, just the path). */
  label?: string;
  /**
   * Leave a file its owner may not write (mode `0400`) alone, with a `FILE_ERROR`: for the user's
   * own files (config, credentials), which the AWS CLI's `open()` does not replace either. aws-sso's
   * caches are replaced, as botocore's `JSONFileCache` replaces them (default `false`).
   */
  keepReadOnly?: boolean;
  /**
   * Replace whatever is at the path (a symlink planted there) with a new `0600` file, instead of
   * writing through a link and keeping the file's mode: for files only aws-sso writes (default
   * `false`).
   */
  replace?: boolean;
}

/** Temp files left by a killed writer are removed by the next write once they are this old. */
const STALE_TEMP_MS = 60_000;

/**
 * Replaces a file's contents atomically, so that every reader, in any process and even after a
 * crash, sees either the old text or the new text in full.
 *
 * The text goes to a new temp file beside the target (`.<name>.<pid>.<random>.tmp`, created
 * exclusively with mode `0600`), is flushed to disk, gets the target's mode and is renamed over the
 * target. A new file gets mode `0600` and missing folders are created with `0700`; an existing
 * file keeps its mode, unless `secret` is set and the mode is wider than `0600`, which is then
 * tightened. A symlinked target is written through: the link's final target is replaced and the
 * link stays (a link to a missing file is refused, as are folders and other non-files). With
 * `keepReadOnly`, a file its owner may not write (mode `0400`) is left alone, though the rename
 * could replace it. If anything fails, the temp file is removed and the target is untouched. A writer
 * killed mid-write may leave its temp file behind; the next write to the same file removes such
 * leftovers once they are a minute old.
 *
 * It does not lock: callers that read, change and write back shared state hold a `withLock`.
 *
 * @param runtime where the file system, clock, pid and stderr come from
 * @param path the file to write
 * @param text its new contents (UTF-8)
 * @param options `secret`, `validate` and `label`
 * @returns once the new contents are in place and on disk
 * @throws {SsoError} `FILE_ERROR` when the file cannot be written, naming the path and the reason
 * @throws whatever `options.validate` throws, unchanged, before anything is written
 *
 * @example Writing a credentials file
 * ```ts
 * import { writeFileSafely } from "./write_file_safely.ts";
 * import { denoRuntime } from "@ssokit/aws-sso";
 * import assert from "node:assert/strict";
 *
 * const home = await Deno.makeTempDir();
 * const path = `${home}/.aws/credentials`;
 * await writeFileSafely(denoRuntime(), path, "[dev]\naws_access_key_id = AKIDEXAMPLE\n", {
 *   secret: true,
 *   label: "AWS credentials file",
 * });
 * assert.equal(await Deno.readTextFile(path), "[dev]\naws_access_key_id = AKIDEXAMPLE\n");
 * if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function writeFileSafely(
  runtime: Runtime,
  path: string,
  text: string,
  options: WriteFileSafelyOptions = {},
): Promise<void> {
  options.validate?.(text);
  const fs = runtime.fs;
  const fail = (err: unknown, folder: string): SsoError => fileError(path, err, folder, options);
  let target: string;
  let mode: number | null;
  let tightened = false;
  try {
    target = options.replace ? path : await linkTarget(fs, path);
    const info = options.replace ? null : await fs.stat(target);
    if (info?.isDirectory) {
      throw new SsoError("FILE_ERROR", `${what(options)}${path}: it is a folder`);
    }
    if (info && !info.isFile) {
      // A link whose target is missing (realPath failed), a FIFO, a device: replacing it would
      // drop the link, or give a new file the link's 0777.
      throw new SsoError("FILE_ERROR", `${what(options)}${path}: it is not a regular file`, {
        hint: `check what ${path} is, or points to (a broken link?)`,
      });
    }
    if (
      options.keepReadOnly && info?.mode != null && (info.mode & 0o200) === 0 &&
      runtime.os !== "windows"
    ) {
      // The rename would replace it whatever its mode: the AWS CLI's open() fails there.
      throw new SsoError(
        "FILE_ERROR",
        `${what(options)}${path}: it is read-only (mode ${octal(info.mode)})`,
        { hint: `make it writable (chmod u+w ${target}) for aws-sso to update it` },
      );
    }
    if (info === null) {
      await fs.mkdir(dirname(target), 0o700);
      mode = 0o600;
    } else {
      mode = info.mode;
      if (options.secret && mode !== null && (mode & ~0o600) !== 0) {
        mode &= 0o600;
        tightened = true;
      }
    }
  } catch (err) {
    if (err instanceof SsoError) throw err;
    throw fail(err, dirname(path));
  }
  const folder = dirname(target);
  await removeStaleTemps(runtime, target);
  const temp = join(folder, `.${basename(target)}.${runtime.pid}.${randomHex(6)}.tmp`);
  try {
    await fs.writeFile(temp, text, { createNew: true, mode: 0o600, fsync: true });
    if (mode !== null && mode !== 0o600 && runtime.os !== "windows") await fs.chmod(temp, mode);
    await fs.rename(temp, target);
  } catch (err) {
    // AlreadyExists means the name was someone else's (it never is): not ours to remove.
    if (!(err instanceof Deno.errors.AlreadyExists)) await fs.remove(temp).catch(() => {});
    throw fail(err, folder);
  }
  if (tightened) {
    runtime.stderr.write(
      `aws-sso: tightened ${path} to mode ${octal(mode)} (it holds secrets)\n`,
    );
  }
}

/**
 * Where writing `path` must go: `path` itself, or the file it links to. Links among its folders
 * are kept as given (`~/.aws` linked elsewhere still writes through `~/.aws/…`, which is what
 * the permission flags name); only a link in the file's own place is followed, to its target.
 */
async function linkTarget(fs: Runtime["fs"], path: string): Promise<string> {
  const real = await fs.realPath(path);
  if (real === null) return path;
  const folder = dirname(path);
  return await fs.realPath(folder) === dirname(real) ? join(folder, basename(real)) : real;
}

/** `"Cannot write "` plus the label, if any. */
function what(options: WriteFileSafelyOptions): string {
  return options.label ? `Cannot write ${options.label} ` : "Cannot write ";
}

/** The `FILE_ERROR` for a failed write, with a short reason and a hint. */
function fileError(
  path: string,
  err: unknown,
  folder: string,
  options: WriteFileSafelyOptions,
): SsoError {
  let reason: string;
  let hint: string;
  if (err instanceof Deno.errors.NotCapable) {
    reason = "aws-sso was not given write access to it";
    hint = `allow aws-sso to write to ${folder} (--allow-write)`;
  } else if (err instanceof Deno.errors.PermissionDenied) {
    reason = "permission denied";
    hint = `check that you own ${folder} and can write to it`;
  } else {
    reason = errorReason(err);
    hint = `check ${folder} and the disk it is on`;
  }
  return new SsoError("FILE_ERROR", `${what(options)}${path}: ${reason}`, { hint, cause: err });
}

/**
 * Removes temp files of `target` (`.<name>.<pid>.<hex>.tmp`) older than a minute: what writers
 * killed mid-write left. Age alone decides, since the folder may be shared with other hosts whose
 * pids mean nothing here. Best effort: errors are ignored.
 */
async function removeStaleTemps(runtime: Runtime, target: string): Promise<void> {
  const folder = dirname(target);
  const prefix = `.${basename(target)}.`;
  try {
    for (const name of await runtime.fs.readDir(folder)) {
      if (!name.startsWith(prefix) || !/^\d+\.[0-9a-f]+\.tmp$/.test(name.slice(prefix.length))) {
        continue;
      }
      const info = await runtime.fs.stat(join(folder, name));
      if (info?.isFile && info.mtimeMs !== null && runtime.now() - info.mtimeMs > STALE_TEMP_MS) {
        await runtime.fs.remove(join(folder, name));
      }
    }
  } catch {
    // A leftover temp file is litter, not a failure.
  }
}

/** `bytes` random bytes as lower-case hex. */
function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)))
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** A mode as `0600`. */
function octal(mode: number | null): string {
  return (mode ?? 0).toString(8).padStart(4, "0");
}
