/**
 * The keys aws-sso writes into a profile of the shared credentials file (spec §6), and that
 * profile's section as text. The file itself is edited elsewhere, by the lossless INI editor; this
 * module only says what goes in.
 *
 * @module
 */

import { profileSectionName } from "../config/aws_files.ts";
import { isoSeconds } from "../aws_time.ts";
import type { RoleCredentials } from "../role_credentials.ts";

/**
 * The key that records when the credentials stop working. No AWS SDK reads an expiration from the
 * credentials file, and botocore and the JS SDK ignore keys they do not know, so this one is for
 * people and tools: `x_security_token_expires` is what saml2aws and okta-aws-cli write, and what
 * prompt tools such as Starship's `aws` module read. The `x_`
 * prefix keeps it out of the names an SDK might one day claim.
 */
export const CREDENTIALS_EXPIRATION_KEY = "x_security_token_expires";

/**
 * Keys to delete from the profile when writing it: botocore reads the legacy
 * `aws_security_token` **before** `aws_session_token`, so a stale one left by an older tool would
 * shadow the token aws-sso writes.
 */
export const STALE_CREDENTIALS_KEYS: readonly string[] = ["aws_security_token"];

/**
 * The key/value pairs of a credentials-file profile holding `creds`, in the order to write them:
 * `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`, `aws_account_id` (read by
 * recent botocore and JS SDKs, ignored by older ones; left out when empty) and
 * {@linkcode CREDENTIALS_EXPIRATION_KEY} (`YYYY-MM-DDTHH:MM:SSZ`). The writer should also delete
 * the {@linkcode STALE_CREDENTIALS_KEYS}.
 *
 * @param creds the role credentials
 * @returns the values, keyed by INI key
 * @throws {TypeError} when a value holds whitespace (INI readers strip it, the JS SDK cuts a value
 *   at ` #` or ` ;`, and a line break ends the line) or the access key id or secret access key is
 *   empty; the message names the key, never the value
 * @example
 * ```ts
 * import { credentialsIniValues } from "@ssokit/aws-sso";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   credentialsIniValues({
 *     accessKeyId: "ASIAEXAMPLE",
 *     secretAccessKey: "secret",
 *     sessionToken: "token",
 *     expiration: Date.UTC(2026, 10, 25, 19, 0, 0),
 *     accountId: "123456789012",
 *   }),
 *   {
 *     aws_access_key_id: "ASIAEXAMPLE",
 *     aws_secret_access_key: "secret",
 *     aws_session_token: "token",
 *     aws_account_id: "123456789012",
 *     x_security_token_expires: "2026-11-25T19:00:00Z",
 *   },
 * );
 * ```
 */
export function credentialsIniValues(creds: RoleCredentials): Record<string, string> {
  if (!creds.accessKeyId) throw new TypeError("Cannot write aws_access_key_id: it is empty");
  if (!creds.secretAccessKey) {
    throw new TypeError("Cannot write aws_secret_access_key: it is empty");
  }
  if (!Number.isFinite(creds.expiration) || Number.isNaN(new Date(creds.expiration).getTime())) {
    throw new TypeError(`Cannot write ${CREDENTIALS_EXPIRATION_KEY}: the expiration is not a time`);
  }
  const values: Record<string, string> = {
    aws_access_key_id: creds.accessKeyId,
    aws_secret_access_key: creds.secretAccessKey,
  };
  if (creds.sessionToken) values.aws_session_token = creds.sessionToken;
  if (creds.accountId) values.aws_account_id = creds.accountId;
  values[CREDENTIALS_EXPIRATION_KEY] = isoSeconds(creds.expiration);
  for (const [key, value] of Object.entries(values)) {
    if (/\s/.test(value)) throw new TypeError(`Cannot write ${key}: the value holds whitespace`);
  }
  return values;
}

/** Options of {@linkcode renderCredentialsIni}. */
export interface RenderCredentialsIniOptions {
  /** The profile to name the section after. Default `default`. */
  profile?: string;
}

/**
 * A credentials-file section holding `creds`: the header, then `key = value` lines of
 * {@linkcode credentialsIniValues}, as `aws configure set` writes them. To put credentials into
 * the user's file, keeping everything else in it, use `writeCredentialsProfile` instead.
 *
 * @param creds the role credentials
 * @param options the profile name
 * @returns the section's text, ending with a line break
 * @throws {TypeError} as {@linkcode credentialsIniValues}, or when the credentials file cannot hold
 *   a section of that name (empty, a line break, `DEFAULT`)
 * @example
 * ```ts
 * import { renderCredentialsIni } from "@ssokit/aws-sso";
 * import assert from "node:assert/strict";
 *
 * const creds = {
 *   accessKeyId: "ASIAEXAMPLE",
 *   secretAccessKey: "secret",
 *   sessionToken: "token",
 *   expiration: Date.UTC(2026, 10, 25, 19, 0, 0),
 *   accountId: "123456789012",
 * };
 * assert.equal(
 *   renderCredentialsIni(creds, { profile: "dev" }),
 *   "[dev]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = secret\n" +
 *     "aws_session_token = token\naws_account_id = 123456789012\n" +
 *     "x_security_token_expires = 2026-11-25T19:00:00Z\n",
 * );
 * ```
 */
export function renderCredentialsIni(
  creds: RoleCredentials,
  options: RenderCredentialsIniOptions = {},
): string {
  const header = profileSectionName(options.profile ?? "default", "credentials");
  return `[${header}]\n` +
    Object.entries(credentialsIniValues(creds)).map(([k, v]) => `${k} = ${v}\n`).join("");
}
