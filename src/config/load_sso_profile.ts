/**
 * Loading an SSO profile from the config file.
 *
 * @module
 */

import type { Runtime } from "../runtime.ts";
import { type AwsFile, getProfile, getServices, getSsoSession, loadAwsFile } from "./aws_files.ts";
import { resolveSsoProfile, type SsoProfile } from "./resolve_sso_profile.ts";

/**
 * Reads the config file (`AWS_CONFIG_FILE` or `~/.aws/config`) and resolves an SSO profile.
 *
 * @param runtime files and env
 * @param name the profile name
 * @returns the resolved profile
 * @throws {SyntaxError} when the config file cannot be parsed (file and line named)
 * @throws {SsoError} `PROFILE_NOT_FOUND`, `NOT_SSO_PROFILE` or `INVALID_CONFIG`
 * @example
 * ```ts
 * import { denoRuntime, loadSsoProfile } from "@ssokit/aws-sso";
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 * import assert from "node:assert/strict";
 *
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws);
 * const profile = await loadSsoProfile({ ...denoRuntime(), ...home.runtime }, "corp");
 * assert.equal(profile.sessionName, "corp");
 * assert.equal(profile.region, "eu-west-1");
 * ```
 */
export async function loadSsoProfile(
  runtime: Pick<Runtime, "fs" | "env">,
  name: string,
): Promise<SsoProfile> {
  return ssoProfileOf(await loadAwsFile(runtime, "config"), name);
}

/**
 * Resolves an SSO profile of a config file already loaded (to resolve several with one read).
 *
 * @param config the loaded config file
 * @param name the profile name
 * @returns the resolved profile
 * @throws {SsoError} `PROFILE_NOT_FOUND`, `NOT_SSO_PROFILE` or `INVALID_CONFIG`
 */
export function ssoProfileOf(config: AwsFile, name: string): SsoProfile {
  return resolveSsoProfile(name, {
    path: config.path,
    profile: (n) => getProfile(config.doc, n),
    ssoSession: (n) => getSsoSession(config.doc, n),
    services: (n) => getServices(config.doc, n),
  });
}
