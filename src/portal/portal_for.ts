/**
 * The portal client of a profile, at the endpoint the SDKs would use.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { serviceEndpoint } from "../endpoints.ts";
import type { Runtime } from "../runtime.ts";
import type { PortalApi } from "./portal_api.ts";

/** Builds the portal client for a profile's SSO region (`AWS_ENDPOINT_URL_SSO` honoured). */
export function portalFor(runtime: Runtime, profile: SsoProfile): Promise<PortalApi> {
  return runtime.portal({
    region: profile.ssoRegion,
    endpoint: serviceEndpoint("sso", profile.ssoRegion, runtime.env),
  });
}
