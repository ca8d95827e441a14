/**
 * The `credential_process` output (spec §7): what the AWS CLI, botocore and the JS SDK read from a
 * process named in `credential_process = …`.
 *
 * @module
 */

import { isoOffset } from "../aws_time.ts";
import type { RoleCredentials } from "../role_credentials.ts";

/**
 * The JSON object a `credential_process` prints, on one line, followed by `\n`:
 * `{"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…,"Expiration":"YYYY-MM-DDTHH:MM:SS+00:00","AccountId":…}`.
 *
 * `Version` is the integer 1 (botocore and the JS SDK both refuse anything else, including the
 * string `"1"`). `Expiration` is UTC as `+00:00` with no fraction, as the AWS CLI's
 * `export-credentials` and the Python tool print it; botocore (dateutil) and the JS SDK
 * (`new Date`) both parse it, re-run the process before it, and the JS SDK refuses credentials
 * already past it. `AccountId` is left out when empty;
 * readers that predate it ignore it.
 *
 * @param creds the role credentials
 * @returns the JSON line to write to stdout, and nothing else
 * @throws {TypeError} when the access key id or secret access key is empty or the expiration is
 *   not a finite time (the message names the field, never its value)
 * @example
 * ```ts
 * import { renderProcess } from "@ssokit/aws-sso";
 * import assert from "node:assert/strict";
 *
 * const out = renderProcess({
 *   accessKeyId: "ASIAEXAMPLE",
 *   secretAccessKey: "secret",
 *   sessionToken: "token",
 *   expiration: Date.UTC(2026, 10, 25, 19, 0, 0),
 *   accountId: "123456789012",
 * });
 * assert.equal(
 *   out,
 *   '{"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"secret","SessionToken":"token",' +
 *     '"Expiration":"2026-11-25T19:00:00+00:00","AccountId":"123456789012"}\n',
 * );
 * ```
 */
export function renderProcess(creds: RoleCredentials): string {
  if (!creds.accessKeyId) throw new TypeError("Cannot render credentials: accessKeyId is empty");
  if (!creds.secretAccessKey) {
    throw new TypeError("Cannot render credentials: secretAccessKey is empty");
  }
  if (!Number.isFinite(creds.expiration) || Number.isNaN(new Date(creds.expiration).getTime())) {
    throw new TypeError("Cannot render credentials: expiration is not a time");
  }
  return JSON.stringify({
    Version: 1,
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    ...(creds.sessionToken ? { SessionToken: creds.sessionToken } : {}),
    Expiration: isoOffset(creds.expiration),
    ...(creds.accountId ? { AccountId: creds.accountId } : {}),
  }) + "\n";
}
