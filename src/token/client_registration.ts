/**
 * OIDC client registrations, cached as the AWS CLI v2 caches them (spec §3, §4).
 *
 * @module
 */

import { isoSeconds, parseAwsTime } from "../aws_time.ts";
import { type JsonValue, pythonJsonDumps } from "./python_json.ts";

/** A registered OIDC client. `expiresAt` in epoch milliseconds. */
export interface ClientRegistration {
  clientId: string;
  /** Secret. */
  clientSecret: string;
  expiresAt: number;
  scopes?: string[];
  /** Present (with `authorization_code`) for registrations of the PKCE flow. */
  grantTypes?: string[];
}

/** The grant types a PKCE-flow registration asks for. */
export const AUTH_CODE_GRANTS: string[] = ["authorization_code", "refresh_token"];

/** Reads a registration file; anything else (a token, a corrupt file) gives `null`. */
export function parseClientRegistration(text: string): ClientRegistration | null {
  let o: Record<string, unknown>;
  try {
    const data = JSON.parse(text);
    if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
    o = data;
  } catch {
    return null;
  }
  if (typeof o.clientId !== "string" || typeof o.clientSecret !== "string") return null;
  if ("accessToken" in o || typeof o.expiresAt !== "string") return null;
  const expiresAt = parseAwsTime(o.expiresAt);
  if (expiresAt === null) return null;
  const strings = (v: unknown) =>
    Array.isArray(v) && v.every((s) => typeof s === "string") ? v as string[] : undefined;
  const scopes = strings(o.scopes);
  const grantTypes = strings(o.grantTypes);
  return {
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    expiresAt,
    ...(scopes ? { scopes } : {}),
    ...(grantTypes ? { grantTypes } : {}),
  };
}

/** Writes a registration file as botocore's JSONFileCache does. */
export function serializeClientRegistration(reg: ClientRegistration): string {
  const out: Record<string, JsonValue> = {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    expiresAt: isoSeconds(reg.expiresAt),
  };
  if (reg.scopes) out.scopes = reg.scopes;
  if (reg.grantTypes) out.grantTypes = reg.grantTypes;
  return pythonJsonDumps(out);
}

/** Whether a registration is a PKCE (authorization code) one. */
export function isAuthCodeRegistration(reg: ClientRegistration): boolean {
  return reg.grantTypes?.includes("authorization_code") ?? false;
}
