/**
 * Where the SSO portal and OIDC services live for a region, and the endpoint overrides that the
 * AWS SDKs honour (spec §1, §2, §6).
 *
 * @module
 */

/** The DNS suffix of a region's partition (`amazonaws.com`, `amazonaws.com.cn`, …). */
export function dnsSuffix(region: string): string {
  if (region.startsWith("cn-")) return "amazonaws.com.cn";
  if (region.startsWith("eusc-")) return "amazonaws.eu";
  if (region.startsWith("us-iso-")) return "c2s.ic.gov";
  if (region.startsWith("us-isob-")) return "sc2s.sgov.gov";
  if (region.startsWith("eu-isoe-")) return "cloud.adc-e.uk";
  if (region.startsWith("us-isof-")) return "csp.hci.ic.gov";
  return "amazonaws.com";
}

/** The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`, …). */
export function partition(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("eusc-")) return "aws-eusc";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  if (region.startsWith("us-isof-")) return "aws-iso-f";
  return "aws";
}

/** The two services whose endpoints aws-sso needs. */
export type SsoService = "sso" | "sso-oidc";

/**
 * The endpoint URL for a service: `AWS_ENDPOINT_URL_SSO` / `AWS_ENDPOINT_URL_SSO_OIDC`, then
 * `AWS_ENDPOINT_URL`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`; otherwise the public
 * endpoint of the region.
 *
 * @param service `"sso"` (the portal) or `"sso-oidc"`
 * @param region the SSO region
 * @param env reads an environment variable
 * @param configured an `endpoint_url` from the config file's `[services]` section, if any
 * @returns the base URL, without a trailing slash
 */
export function serviceEndpoint(
  service: SsoService,
  region: string,
  env: (name: string) => string | undefined,
  configured?: string,
): string {
  if (env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.toLowerCase() !== "true") {
    const specific = service === "sso" ? "AWS_ENDPOINT_URL_SSO" : "AWS_ENDPOINT_URL_SSO_OIDC";
    const url = env(specific) || configured || env("AWS_ENDPOINT_URL");
    if (url) return url.replace(/\/+$/, "");
  }
  const host = service === "sso" ? "portal.sso" : "oidc";
  return `https://${host}.${region}.${dnsSuffix(region)}`;
}
