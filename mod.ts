/**
 * aws-sso: short-term AWS credentials from AWS IAM Identity Center (AWS SSO), for every AWS tool.
 *
 * The library reads and writes the AWS CLI v2's own files (`~/.aws/config`, `~/.aws/credentials`,
 * `~/.aws/sso/cache`, `~/.aws/cli/cache`), signs in natively (browser PKCE or device code), and
 * renders credentials for `credential_process`, shells and the credentials file. Every function
 * takes a {@linkcode Runtime}; {@linkcode denoRuntime} is the real one.
 *
 * Run as a program (`deno run -A jsr:@ssokit/aws-sso -p corp -d`), this module starts the CLI.
 *
 * @example Credentials of one role, against the built-in fake AWS
 * ```ts
 * import { denoRuntime, getRoleCredentials, loadSsoProfile, renderProcess } from "@ssokit/aws-sso";
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 * import assert from "node:assert/strict";
 *
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws); // with a real account: just denoRuntime()
 * const runtime = { ...denoRuntime(), ...home.runtime };
 * const profile = await loadSsoProfile(runtime, "corp");
 * const creds = await getRoleCredentials(runtime, profile, {
 *   accountId: "111111111111",
 *   roleName: "ReadOnly",
 * });
 * assert.equal(JSON.parse(renderProcess(creds)).Version, 1);
 * ```
 *
 * @module
 */

export { SsoError, type SsoErrorCode, type SsoErrorOptions } from "./src/errors.ts";
export type * from "./src/runtime.ts";
export type * from "./src/portal/portal_api.ts";
export type * from "./src/token/oidc_api.ts";
export { denoRuntime, type DenoRuntimeOptions } from "./src/deno_runtime.ts";
export type { RoleCredentials } from "./src/role_credentials.ts";
export { loadSsoProfile } from "./src/config/load_sso_profile.ts";
export {
  type ProfileLookup,
  resolveSsoProfile,
  type SsoProfile,
} from "./src/config/resolve_sso_profile.ts";
export { readToken } from "./src/token/token_store.ts";
export type { SsoToken } from "./src/token/sso_token.ts";
export {
  getSsoToken,
  type GetSsoTokenOptions,
  type LoginPolicy,
} from "./src/token/get_sso_token.ts";
export { login, type LoginOptions } from "./src/token/login_command.ts";
export { logout } from "./src/token/logout.ts";
export type { SignInOptions } from "./src/token/login.ts";
export type { WithSsoTokenOptions } from "./src/portal/with_sso_token.ts";
export {
  createRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
} from "./src/portal/rate_limiter.ts";
export { getRoleCredentials, type RoleRef } from "./src/portal/get_role_credentials.ts";
export {
  cachedRoleCredentials,
  type CachedRoleCredentialsOptions,
} from "./src/portal/cached_role_credentials.ts";
export { listAccounts, listRoles } from "./src/portal/list_accounts.ts";
export { discover, type DiscoveredRole, type DiscoverOptions } from "./src/portal/discover.ts";
export { formatRoleArn, parseRoleArn, type RoleArnParts } from "./src/portal/role_arn.ts";
export { renderProcess } from "./src/render/render_process.ts";
export { type EnvFormat, renderEnv, type RenderEnvOptions } from "./src/render/render_env.ts";
export {
  CREDENTIALS_EXPIRATION_KEY,
  credentialsIniValues,
  renderCredentialsIni,
  type RenderCredentialsIniOptions,
  STALE_CREDENTIALS_KEYS,
} from "./src/render/render_credentials_ini.ts";
export { writeCredentialsProfile } from "./src/cli/write_credentials_profile.ts";
export { main } from "./src/cli/main.ts";

if (import.meta.main) {
  const { runCli } = await import("./cli.ts");
  Deno.exitCode = await runCli(Deno.args);
}
