/**
 * Native sign-in, no AWS CLI needed: client registration (cached as the AWS CLI caches it), then
 * the PKCE or the device code flow, then the token in the AWS CLI's own cache.
 *
 * @module
 */

import { describeAwsError } from "../aws_error.ts";
import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { clientOptions } from "../client_options.ts";
import { SsoError } from "../errors.ts";
import { writeFileSafely } from "../files/write_file_safely.ts";
import type { Runtime } from "../runtime.ts";
import { browserCommand, isWsl } from "./browser.ts";
import { registrationCachePath } from "./cache_paths.ts";
import {
  AUTH_CODE_GRANTS,
  type ClientRegistration,
  isAuthCodeRegistration,
  parseClientRegistration,
  serializeClientRegistration,
} from "./client_registration.ts";
import { authCodeLogin } from "./login_pkce.ts";
import { deviceCodeLogin } from "./login_device.ts";
import { withOidcRetry } from "./oidc_retry.ts";
import type { OidcApi } from "./oidc_api.ts";
import { EXPIRY_WINDOW_MS, expiryOf, type SsoToken } from "./sso_token.ts";

/** How to sign in: options of `login` and `getSsoToken`. */
export interface SignInOptions {
  /** Use the device code flow even for sso-session profiles (`--use-device-code`). */
  useDeviceCode?: boolean;
  /** Print the URL instead of opening a browser (`--no-browser`). */
  noBrowser?: boolean;
  /**
   * Give up after this long (default 10 minutes). The browser flow waits in real time; the device
   * flow counts on the runtime's clock, as its polling does.
   */
  timeoutMs?: number;
  /**
   * Where nobody would see the URL (a `credential_process`): when the browser cannot be opened,
   * fail at once with `LOGIN_REQUIRED` and this sign-in command, instead of waiting for a sign-in
   * that cannot happen.
   */
  requireBrowser?: { loginCommand: string };
}

/** The OIDC client for a profile, at the endpoint the SDKs would use. */
export async function oidcFor(runtime: Runtime, profile: SsoProfile): Promise<OidcApi> {
  return await runtime.oidc(await clientOptions(runtime, "sso-oidc", profile));
}

async function registration(
  runtime: Runtime,
  oidc: OidcApi,
  profile: SsoProfile,
  authCode: boolean,
): Promise<ClientRegistration> {
  const path = registrationCachePath(profile, runtime.env);
  const text = await runtime.fs.readTextFile(path);
  const cached = text === null ? null : parseClientRegistration(text);
  if (
    // botocore's `_is_expired`: less than 15 minutes left.
    cached && cached.expiresAt - runtime.now() >= EXPIRY_WINDOW_MS &&
    isAuthCodeRegistration(cached) === authCode
  ) {
    return cached;
  }
  const name = `aws-sso-client-${profile.sessionName ?? Math.floor(runtime.now() / 1000)}`;
  const scopes = profile.scopes ?? (authCode ? ["sso:account:access"] : undefined);
  let out;
  try {
    out = await withOidcRetry(runtime, () =>
      oidc.registerClient({
        clientName: name,
        clientType: "public",
        ...(scopes ? { scopes } : {}),
        ...(authCode
          ? {
            grantTypes: AUTH_CODE_GRANTS,
            redirectUris: ["http://127.0.0.1/oauth/callback"],
            issuerUrl: profile.startUrl,
          }
          : {}),
      }));
  } catch (err) {
    throw new SsoError(
      "LOGIN_FAILED",
      `Cannot register a sign-in client: ${describeAwsError(err)}`,
      {
        cause: err,
      },
    );
  }
  const reg: ClientRegistration = {
    clientId: out.clientId,
    clientSecret: out.clientSecret,
    expiresAt: out.clientSecretExpiresAt * 1000,
    ...(scopes ? { scopes } : {}),
    ...(authCode ? { grantTypes: AUTH_CODE_GRANTS } : {}),
  };
  await writeFileSafely(runtime, path, serializeClientRegistration(reg), { secret: true });
  return reg;
}

/**
 * Signs in without taking the session lock (the caller holds it) and returns the new token,
 * not yet written. PKCE for sso-session profiles where a browser can be opened; the device code
 * flow for legacy profiles, with `useDeviceCode`, under WSL, or where no browser can be opened.
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @param options flow choices
 * @returns the token to cache
 * @throws {SsoError} `LOGIN_FAILED` or `LOGIN_TIMEOUT`
 */
export async function performLogin(
  runtime: Runtime,
  profile: SsoProfile,
  options: SignInOptions = {},
): Promise<SsoToken> {
  const oidc = await oidcFor(runtime, profile);
  const canOpen = browserCommand(runtime) !== null;
  // Under WSL the redirect to 127.0.0.1 may never reach this side: the device code always works.
  const authCode = profile.sessionName !== undefined && !options.useDeviceCode &&
    !isWsl(runtime) && (canOpen || options.noBrowser === true);
  const reg = await registration(runtime, oidc, profile, authCode);
  const openBrowser = !options.noBrowser;
  // What both flows take alike.
  const common = {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.requireBrowser ? { requireBrowser: options.requireBrowser } : {}),
  };
  const out = authCode
    ? await authCodeLogin(runtime, oidc, reg, {
      scopes: profile.scopes ?? ["sso:account:access"],
      openBrowser,
      ...common,
    })
    : await deviceCodeLogin(runtime, oidc, reg, {
      startUrl: profile.startUrl,
      openBrowser,
      ...common,
    });
  return {
    startUrl: profile.startUrl,
    region: profile.ssoRegion,
    accessToken: out.accessToken,
    expiresAt: expiryOf(runtime.now(), out.expiresIn),
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    registrationExpiresAt: reg.expiresAt,
    ...(out.refreshToken ? { refreshToken: out.refreshToken } : {}),
  };
}
