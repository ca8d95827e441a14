/**
 * The one domain error of aws-sso: a condition a caller is expected to handle.
 *
 * @module
 */

/** What went wrong, as a stable machine-readable code. */
export type SsoErrorCode =
  /** The profile is not in the config file. */
  | "PROFILE_NOT_FOUND"
  /** The profile has no SSO settings (`sso_session`, or `sso_start_url` and `sso_region`). */
  | "NOT_SSO_PROFILE"
  /** The SSO settings are incomplete or contradict each other. */
  | "INVALID_CONFIG"
  /** The portal refused the SSO session even after a renewed token (401). */
  | "TOKEN_INVALID"
  /** A sign-in is needed, and the policy (`login: "never"`, no browser in `"browser-only"`) forbids it. */
  | "LOGIN_REQUIRED"
  /** The sign-in was refused, or failed (here, or in the process this caller waited for). */
  | "LOGIN_FAILED"
  /** The user did not complete the sign-in in time. */
  | "LOGIN_TIMEOUT"
  /** The portal kept throttling after every retry. */
  | "THROTTLED"
  /** The account or role is not granted to the user. */
  | "ACCESS_DENIED"
  /** No account or role is assigned to the user at all (CLI). */
  | "NOT_FOUND"
  /** An AWS service answered with an error (5xx, or an unexpected answer). */
  | "SERVICE_ERROR"
  /** No answer: the network, a proxy or the CA bundle. */
  | "NETWORK_ERROR"
  /** Another process held a lock for too long. */
  | "LOCK_TIMEOUT"
  /** A file or folder could not be read or written. */
  | "FILE_ERROR"
  /** No role was given and there is no terminal to choose one on (CLI). */
  | "NO_TERMINAL"
  /** Wrong command-line arguments (CLI; exit code 2). */
  | "USAGE"
  /** The user cancelled (Ctrl-C or Escape in the chooser; CLI exit code 130). */
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
