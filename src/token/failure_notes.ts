/**
 * Notes that a refresh or a sign-in failed, kept next to the token (`~/.aws/sso/cache/<key>.NAME`)
 * so that the other processes of a burst act on them instead of repeating the failure. They hold
 * times and messages, never a secret, and are ignored by the AWS CLI and botocore (no
 * `accessToken`).
 *
 * @module
 */

import { join } from "../path.ts";
import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import type { Runtime } from "../runtime.ts";
import { ssoCacheDir, tokenCacheKey } from "./cache_paths.ts";

/** Which failure a note records. */
export type FailureKind = "refresh-failed" | "login-failed";

/** The note file of a session. */
export function failureNotePath(runtime: Runtime, profile: SsoProfile, kind: FailureKind): string {
  return join(ssoCacheDir(runtime.env), `${tokenCacheKey(profile)}.${kind}`);
}

/**
 * Reads a note: its fields, or `null` when there is none or it cannot be read (then the caller
 * simply tries again).
 */
export async function readFailureNote(
  runtime: Runtime,
  profile: SsoProfile,
  kind: FailureKind,
): Promise<Record<string, unknown> | null> {
  const path = failureNotePath(runtime, profile, kind);
  const text = await runtime.fs.readTextFile(path).catch(() => null);
  if (!text) return null;
  try {
    const note: unknown = JSON.parse(text);
    return typeof note === "object" && note !== null ? note as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/**
 * Writes a note (best effort: without it, others only try again sooner), replacing whatever is
 * at its path: a symlink planted there is never written through.
 */
export async function writeFailureNote(
  runtime: Runtime,
  profile: SsoProfile,
  kind: FailureKind,
  note: Record<string, unknown>,
): Promise<void> {
  const { writeFileSafely } = await import("../files/write_file_safely.ts");
  await writeFileSafely(
    runtime,
    failureNotePath(runtime, profile, kind),
    `${JSON.stringify(note)}\n`,
    { replace: true },
  ).catch(() => {});
}
