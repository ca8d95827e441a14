/**
 * The one domain error of aws-sso: a condition a caller is expected to handle.
 *
 * @module
 */

/** What went wrong, as a stable machine-readable code. */
export type SsoErrorCode =
  | "PROFILE_NOT_FOUND"
  | "NOT_SSO_PROFILE"
  | "INVALID_CONFIG"
  | "TOKEN_MISSING"
  | "TOKEN_EXPIRED"
  | "TOKEN_INVALID"
  | "REFRESH_FAILED"
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
  | "PERMISSION_DENIED"
  | "NO_TERMINAL"
  | "USAGE";

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
 * import { SsoError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new SsoError("TOKEN_EXPIRED", 'Cannot read SSO token for profile "dev": token expired', {
 *   hint: "run: aws-sso -p dev --login",
 * });
 * assert.equal(err.code, "TOKEN_EXPIRED");
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
