/**
 * The default mode: credentials into `[default]` (or another section) of the credentials file,
 * changing only the lines it must.
 *
 * @module
 */

import { credentialsFilePath, loadAwsFile, profileSectionName } from "../config/aws_files.ts";
import { IniDocument } from "../config/ini_document.ts";
import { withLock } from "../files/lock.ts";
import { writeFileSafely } from "../files/write_file_safely.ts";
import { credentialsIniValues, STALE_CREDENTIALS_KEYS } from "../render/render_credentials_ini.ts";
import type { RoleCredentials } from "../role_credentials.ts";
import type { Runtime } from "../runtime.ts";

/**
 * Writes credentials into a profile of the credentials file, under a lock, re-reading the file
 * after getting it. Other sections, comments and unknown keys stay byte for byte; the file ends
 * up 0600. A file that cannot be parsed is left untouched.
 *
 * @param runtime the runtime
 * @param profileName the section (`default`)
 * @param creds the credentials
 * @returns the file's path
 * @throws {SyntaxError} when the credentials file cannot be parsed
 * @throws {SsoError} `FILE_ERROR` or `LOCK_TIMEOUT` when the file cannot be written
 * @example Credentials of a role into `[scratch]`
 * ```ts
 * import {
 *   denoRuntime,
 *   getRoleCredentials,
 *   loadSsoProfile,
 *   writeCredentialsProfile,
 * } from "@ssokit/aws-sso";
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 * import assert from "node:assert/strict";
 *
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws);
 * const runtime = { ...denoRuntime(), ...home.runtime };
 * const profile = await loadSsoProfile(runtime, "corp");
 * const creds = await getRoleCredentials(runtime, profile, {
 *   accountId: "111111111111",
 *   roleName: "ReadOnly",
 * });
 * const path = await writeCredentialsProfile(runtime, "scratch", creds);
 * assert.match(await Deno.readTextFile(path), /^\[scratch\]\naws_access_key_id = /);
 * ```
 */
export async function writeCredentialsProfile(
  runtime: Runtime,
  profileName: string,
  creds: RoleCredentials,
): Promise<string> {
  const path = credentialsFilePath(runtime.env);
  const section = profileSectionName(profileName, "credentials");
  const values = credentialsIniValues(creds);
  await withLock(runtime, `${path}.lock`, async () => {
    const file = await loadAwsFile(runtime, "credentials");
    const doc = file.doc;
    for (const key of STALE_CREDENTIALS_KEYS) doc.delete(section, key);
    for (const [key, value] of Object.entries(values)) doc.set(section, key, value);
    await writeFileSafely(runtime, path, doc.toString(), {
      secret: true,
      keepReadOnly: true,
      validate: (text) => void IniDocument.parse(text, { file: path, kind: "credentials" }),
    });
  });
  return path;
}
