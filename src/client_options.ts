/**
 * The options of an AWS client for a profile: region, endpoint (the SDKs' endpoint settings) and
 * the CA bundle of `AWS_CA_BUNDLE`.
 *
 * @module
 */

import { expandHome } from "./config/home_dir.ts";
import type { SsoProfile } from "./config/resolve_sso_profile.ts";
import { serviceEndpoint, type SsoService } from "./endpoints.ts";
import { SsoError } from "./errors.ts";
import type { Runtime } from "./runtime.ts";

/** What both clients take. */
export interface ClientOptions {
  region: string;
  endpoint: string;
  caBundlePem?: string;
}

/**
 * Builds client options for a service of a profile's SSO region.
 *
 * @param runtime env and files
 * @param service `"sso"` or `"sso-oidc"`
 * @param profile the SSO profile (its region and configured endpoints)
 * @returns the options
 * @throws {SsoError} `FILE_ERROR` when `AWS_CA_BUNDLE` names a file that cannot be read
 */
export async function clientOptions(
  runtime: Runtime,
  service: SsoService,
  profile: SsoProfile,
): Promise<ClientOptions> {
  const region = profile.ssoRegion;
  const options: ClientOptions = {
    region,
    endpoint: serviceEndpoint(service, region, runtime.env, profile.endpoints),
  };
  const bundle = runtime.env("AWS_CA_BUNDLE");
  if (bundle) {
    const path = expandHome(bundle, runtime.env);
    const pem = await runtime.fs.readTextFile(path);
    if (pem === null || !pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new SsoError("FILE_ERROR", `Cannot read the CA bundle ${path} (AWS_CA_BUNDLE)`, {
        hint: "point AWS_CA_BUNDLE at a PEM file, or unset it",
      });
    }
    options.caBundlePem = pem;
  }
  return options;
}
