/**
 * The one domain error of aws-sso: a condition a caller is expected to handle.
 *
 * @module
 */

/**
 * What went wrong, as a stable machine-readable code:
 *
 * - `PROFILE_NOT_FOUND`: the profile is not in the config file.
 * - `NOT_SSO_PROFILE`: the profile has no SSO settings (`sso_session`, or `sso_start_url` and
 *   `sso_region`).
 * - `INVALID_CONFIG`: the SSO settings are incomplete or contradict each other.
 * - `TOKEN_INVALID`: the portal refused the SSO session even after a renewed token (401).
 * - `LOGIN_REQUIRED`: a sign-in is needed, and the policy (`login: "never"`, no browser in
 *   `"browser-only"`) forbids it.
 * - `LOGIN_FAILED`: the sign-in was refused, or failed (here, or in the process this caller
 *   waited for).
 * - `LOGIN_TIMEOUT`: the user did not complete the sign-in in time.
 * - `THROTTLED`: the portal kept throttling after every retry.
 * - `ACCESS_DENIED`: the account or role is not granted to the user.
 * - `NOT_FOUND`: no account or role is assigned to the user at all (CLI).
 * - `SERVICE_ERROR`: an AWS service answered with an error (5xx, a refused request, or an
 *   unreadable answer).
 * - `NETWORK_ERROR`: no answer: the network, a proxy or the CA bundle.
 * - `LOCK_TIMEOUT`: another process held a lock for too long.
 * - `FILE_ERROR`: a file or folder could not be read or written.
 * - `NO_TERMINAL`: no role was given and there is no terminal to choose one on (CLI).
 * - `USAGE`: wrong command-line arguments (CLI; exit code 2).
 * - `CANCELLED`: the user cancelled (Ctrl-C or Escape in the chooser; CLI exit code 130).
 */
export type SsoErrorCode =
  | "PROFILE_NOT_FOUND"
  | "NOT_SSO_PROFILE"
  | "INVALID_CONFIG"
  | "TOKEN_INVALID"
  | "LOGIN_REQUIRED"
  | "LOGIN_FAILED"
  | "LOGIN_TIMEOUT"
  | "THROTTLED"
  | "ACCESS_DENIED"
  | "NOT_FOUND"
  | "SERVICE_ERROR"
  | "NETWORK_ERROR"
  | "LOCK_TIMEOUT"
  | "FILE_ERROR"
  | "NO_TERMINAL"
  | "USAGE"
  | "CANCELLED";

/** Options of {@linkcode SsoError}. */
export interface SsoErrorOptions {
  /** What the user can do about it, shown on a separate `hint:` line. */
  hint?: string;
  /** The underlying error. Never shown unless `--debug`. */
  cause?: unknown;
}

/**
 * A condition the caller is expected to handle, with a stable `code` and an optional `hint`.
 *
 * Messages never contain a secret (access token, refresh token, client secret, secret key or
 * session token).
 *
 * @example Throwing and catching
 * ```ts
 * import { SsoError } from "@ssokit/aws-sso";
 * import assert from "node:assert/strict";
 *
 * const err = new SsoError("LOGIN_REQUIRED", 'Cannot get credentials for profile "dev": the SSO session has expired', {
 *   hint: "sign in with: aws-sso -p dev --login",
 * });
 * assert.equal(err.code, "LOGIN_REQUIRED");
 * ```
 */
export class SsoError extends Error {
  /** The machine-readable reason. */
  readonly code: SsoErrorCode;
  /** What to do about it, if anything. */
  readonly hint: string | undefined;

  /**
   * Creates the error.
   *
   * @param code the machine-readable reason
   * @param message one sentence naming what failed
   * @param options hint and cause
   */
  constructor(code: SsoErrorCode, message: string, options: SsoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SsoError";
    this.code = code;
    this.hint = options.hint;
  }
}

/**
 * A sentence made a clause to follow a colon: its first letter in lower case, unless the first
 * word is an acronym (`ENOENT`, `HTTP`).
 *
 * @param text a sentence
 * @returns the clause
 * @example
 * ```ts
 * import { asClause } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(asClause("No such file"), "no such file");
 * assert.equal(asClause("ENOENT: no such file"), "ENOENT: no such file");
 * ```
 */
export function asClause(text: string): string {
  return /^\p{Lu}\p{Lu}/u.test(text) ? text : text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * An OS error's message without the " (os error N): op 'path'" tail, as a clause.
 *
 * @param err what an operation threw
 * @returns the reason, for a message that names the file itself
 */
export function errorReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return asClause(message.split(" (os error")[0] ?? message);
}
