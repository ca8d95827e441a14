/**
 * Where the SSO portal and OIDC services live for a region, and the endpoint overrides that the
 * AWS SDKs honour (spec §1, §2, §6).
 *
 * @module
 */

/** Region prefixes and the DNS suffix of their partition; the last entry is everyone else's. */
const SUFFIXES: readonly (readonly [string, string])[] = [
  ["cn-", "amazonaws.com.cn"],
  ["eusc-", "amazonaws.eu"],
  ["us-iso-", "c2s.ic.gov"],
  ["us-isob-", "sc2s.sgov.gov"],
  ["eu-isoe-", "cloud.adc-e.uk"],
  ["us-isof-", "csp.hci.ic.gov"],
  ["", "amazonaws.com"],
];

/** Every partition's DNS suffix: where the SSO endpoints of any region live. */
export const DNS_SUFFIXES: readonly string[] = [...new Set(SUFFIXES.map(([, suffix]) => suffix))];

/** The DNS suffix of a region's partition (`amazonaws.com`, `amazonaws.com.cn`, …). */
export function dnsSuffix(region: string): string {
  return SUFFIXES.find(([prefix]) => region.startsWith(prefix))![1];
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

/** Endpoint URLs from the config file, as {@linkcode serviceEndpoint} takes them. */
export type ConfiguredEndpoints = Partial<Record<SsoService | "*", string>>;

/**
 * The endpoint URL for a service, in botocore's order: `AWS_ENDPOINT_URL_SSO` /
 * `AWS_ENDPOINT_URL_SSO_OIDC`, then `AWS_ENDPOINT_URL`, then the `[services]` section the profile
 * names, then the profile's `endpoint_url` — none of them when
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`; otherwise the public endpoint of the region.
 *
 * @param service `"sso"` (the portal) or `"sso-oidc"`
 * @param region the SSO region
 * @param env reads an environment variable
 * @param configured endpoint URLs from the config file
 * @returns the base URL, without a trailing slash
 * @example
 * ```ts
 * import { serviceEndpoint } from "./endpoints.ts";
 * import assert from "node:assert/strict";
 * assert.equal(serviceEndpoint("sso", "cn-north-1", () => undefined),
 *   "https://portal.sso.cn-north-1.amazonaws.com.cn");
 * assert.equal(serviceEndpoint("sso-oidc", "us-east-1", () => undefined, { "*": "http://x/" }), "http://x");
 * ```
 */
export function serviceEndpoint(
  service: SsoService,
  region: string,
  env: (name: string) => string | undefined,
  configured: ConfiguredEndpoints = {},
): string {
  if (env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.toLowerCase() !== "true") {
    const specific = service === "sso" ? "AWS_ENDPOINT_URL_SSO" : "AWS_ENDPOINT_URL_SSO_OIDC";
    const url = env(specific) || env("AWS_ENDPOINT_URL") || configured[service] ||
      configured["*"];
    if (url) return url.replace(/\/+$/, "");
  }
  const host = service === "sso" ? "portal.sso" : "oidc";
  return `https://${host}.${region}.${dnsSuffix(region)}`;
}
