/**
 * The SSO OIDC operations aws-sso uses (spec §2), as an interface the runtime supplies.
 *
 * @module
 */

/** How to reach the OIDC service. */
export interface OidcClientOptions {
  /** The SSO region, e.g. `us-east-1`. */
  region: string;
  /** An endpoint URL that replaces `https://oidc.{region}.{dnsSuffix}` (for tests and proxies). */
  endpoint?: string;
  /** PEM certificates to trust besides the system's (`AWS_CA_BUNDLE`). */
  caBundlePem?: string;
}

/** RegisterClient input. */
export interface RegisterClientInput {
  /** A name for the client. */
  clientName: string;
  /** Always `public`. */
  clientType: "public";
  /** Scopes to register, e.g. `sso:account:access`. */
  scopes?: string[];
  /** Grant types, for PKCE registrations. */
  grantTypes?: string[];
  /** Redirect URIs, for PKCE registrations. */
  redirectUris?: string[];
  /** The start URL, for PKCE registrations. */
  issuerUrl?: string;
}

/** RegisterClient output; times in epoch seconds. */
export interface RegisterClientOutput {
  /** The client id. */
  clientId: string;
  /** Secret. */
  clientSecret: string;
  /** Epoch seconds. */
  clientIdIssuedAt?: number;
  /** Epoch seconds. */
  clientSecretExpiresAt: number;
}

/** StartDeviceAuthorization output. */
export interface DeviceAuthorization {
  /** Secret. */
  deviceCode: string;
  /** The code the user checks. */
  userCode: string;
  /** Where the user enters the code. */
  verificationUri: string;
  /** The same with the code filled in. */
  verificationUriComplete: string;
  /** Seconds until the device code expires. */
  expiresIn: number;
  /** Seconds between polls, if the service says. */
  interval?: number;
}

/** CreateToken input. */
export interface CreateTokenInput {
  /** The client id. */
  clientId: string;
  /** Secret. */
  clientSecret: string;
  /** The grant, e.g. `refresh_token`. */
  grantType: string;
  /** For the device code grant. */
  deviceCode?: string;
  /** For the authorization code grant. */
  code?: string;
  /** For the refresh grant. */
  refreshToken?: string;
  /** For the authorization code grant. */
  redirectUri?: string;
  /** The PKCE verifier. */
  codeVerifier?: string;
  /** Scopes. */
  scope?: string[];
}

/** CreateToken output. */
export interface CreateTokenOutput {
  /** Secret. */
  accessToken: string;
  /** `Bearer`. */
  tokenType?: string;
  /** Seconds. */
  expiresIn: number;
  /** Secret. */
  refreshToken?: string;
  /** Secret. */
  idToken?: string;
}

/**
 * The OIDC operations. A service error rejects with an `Error` whose `name` is the AWS error type
 * (`AuthorizationPendingException`, `SlowDownException`, `ExpiredTokenException`,
 * `InvalidGrantException`, …).
 */
export interface OidcApi {
  /** Registers a client (`POST /client/register`). */
  registerClient(input: RegisterClientInput): Promise<RegisterClientOutput>;
  /** Starts the device code flow (`POST /device_authorization`). */
  startDeviceAuthorization(
    input: { clientId: string; clientSecret: string; startUrl: string },
  ): Promise<DeviceAuthorization>;
  /** Exchanges a grant for a token (`POST /token`). */
  createToken(input: CreateTokenInput): Promise<CreateTokenOutput>;
  /** The browser authorization endpoint: `{oidc base}/authorize`. */
  authorizeEndpoint(): string;
}
