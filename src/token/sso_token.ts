/**
 * The SSO token file of `~/.aws/sso/cache`, read as the AWS tools write it and written as the
 * AWS CLI v2 does (spec §4).
 *
 * @module
 */

import { isoSeconds, parseAwsTime } from "../aws_time.ts";
import { type JsonValue, pythonJsonDumps } from "./python_json.ts";

/** A registration or token this close to expiry is not used (botocore's `_EXPIRY_WINDOW`). */
export const EXPIRY_WINDOW_MS = 15 * 60_000;

/** An SSO access token and what refreshing it needs. Times are epoch milliseconds. */
export interface SsoToken {
  /** The start URL it was issued for. */
  startUrl?: string;
  /** The IdC region. */
  region?: string;
  /** Secret. */
  accessToken: string;
  /** When the access token stops working. */
  expiresAt: number;
  /** The client registration that can refresh it. */
  clientId?: string;
  /** Secret. */
  clientSecret?: string;
  /** When the client registration expires. */
  registrationExpiresAt?: number;
  /** Secret. */
  refreshToken?: string;
}

function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * An access token as AWS issues them: printable ASCII without spaces, which an HTTP header
 * carries as it is; or `undefined`. Another character would make the request fail with an error
 * that quotes the whole token.
 *
 * @param value a field of a token file or of a CreateToken answer
 * @returns the token, or `undefined`
 */
export function bearerToken(value: unknown): string | undefined {
  return typeof value === "string" && /^[\x21-\x7e]+$/.test(value) ? value : undefined;
}

/** The last second a token file can hold (`9999-12-31T23:59:59Z`), epoch ms. */
const LATEST_EXPIRY_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * When a token given now for `expiresIn` seconds expires, epoch ms: never past the last second a
 * token file can hold, so that an answer with a huge lifetime cannot make the token unsavable
 * (after its refresh token was spent).
 *
 * @param now the time it was given, epoch ms
 * @param expiresIn its lifetime, seconds
 * @returns the expiry, epoch ms
 */
export function expiryOf(now: number, expiresIn: number): number {
  return Math.min(now + expiresIn * 1000, LATEST_EXPIRY_MS);
}

/**
 * Reads a token file's text. A registration file, a corrupt file or one without a usable
 * `accessToken` (see {@linkcode bearerToken}) and `expiresAt` gives `null`, never an exception.
 *
 * @param text the file's content
 * @returns the token, or `null`
 */
export function parseSsoToken(text: string): SsoToken | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  const o = data as Record<string, unknown>;
  const accessToken = bearerToken(o.accessToken);
  const expiresAt = typeof o.expiresAt === "string" ? parseAwsTime(o.expiresAt) : null;
  if (!accessToken || expiresAt === null) return null;
  const regExpiry = typeof o.registrationExpiresAt === "string"
    ? parseAwsTime(o.registrationExpiresAt)
    : null;
  const token: SsoToken = { accessToken, expiresAt };
  for (const key of ["startUrl", "region", "clientId", "clientSecret", "refreshToken"] as const) {
    const v = optionalString(o, key);
    if (v !== undefined) token[key] = v;
  }
  if (regExpiry !== null) token.registrationExpiresAt = regExpiry;
  return token;
}

/**
 * Writes a token file's text exactly as botocore does: compact `json.dumps`, keys in its order,
 * times as `YYYY-MM-DDTHH:MM:SSZ`.
 *
 * @param token the token
 * @returns the file content (no final newline, as botocore)
 * @example
 * ```ts
 * import { serializeSsoToken } from "./sso_token.ts";
 * import assert from "node:assert/strict";
 * const text = serializeSsoToken({ startUrl: "https://d-1.awsapps.com/start", region: "us-east-1",
 *   accessToken: "t", expiresAt: Date.UTC(2026, 10, 25, 19) });
 * assert.equal(text, '{"startUrl": "https://d-1.awsapps.com/start", "region": "us-east-1", ' +
 *   '"accessToken": "t", "expiresAt": "2026-11-25T19:00:00Z"}');
 * ```
 */
export function serializeSsoToken(token: SsoToken): string {
  const out: Record<string, JsonValue> = {};
  if (token.startUrl !== undefined) out.startUrl = token.startUrl;
  if (token.region !== undefined) out.region = token.region;
  out.accessToken = token.accessToken;
  out.expiresAt = isoSeconds(token.expiresAt);
  if (token.clientId !== undefined) out.clientId = token.clientId;
  if (token.clientSecret !== undefined) out.clientSecret = token.clientSecret;
  if (token.registrationExpiresAt !== undefined) {
    out.registrationExpiresAt = isoSeconds(token.registrationExpiresAt);
  }
  if (token.refreshToken !== undefined) out.refreshToken = token.refreshToken;
  return pythonJsonDumps(out);
}
