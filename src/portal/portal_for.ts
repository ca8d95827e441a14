/**
 * The portal client of a profile, at the endpoint the SDKs would use.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { clientOptions } from "../client_options.ts";
import type { Runtime } from "../runtime.ts";
import type { PortalApi } from "./portal_api.ts";

/** Builds the portal client for a profile's SSO region (`AWS_ENDPOINT_URL_SSO`, `AWS_CA_BUNDLE`). */
export async function portalFor(runtime: Runtime, profile: SsoProfile): Promise<PortalApi> {
  return await runtime.portal(await clientOptions(runtime, "sso", profile));
}
