/**
 * Loading an SSO profile from the config file.
 *
 * @module
 */

import type { Runtime } from "../runtime.ts";
import { getProfile, getServices, getSsoSession, loadAwsFile } from "./aws_files.ts";
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
 * ```ts ignore
 * const profile = await loadSsoProfile(denoRuntime(), "corp");
 * console.log(profile.startUrl, profile.ssoRegion);
 * ```
 */
export async function loadSsoProfile(runtime: Runtime, name: string): Promise<SsoProfile> {
  const config = await loadAwsFile(runtime, "config");
  return resolveSsoProfile(name, {
    path: config.path,
    profile: (n) => getProfile(config.doc, n),
    ssoSession: (n) => getSsoSession(config.doc, n),
    services: (n) => getServices(config.doc, n),
  });
}
