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
  clientName: string;
  clientType: "public";
  scopes?: string[];
  grantTypes?: string[];
  redirectUris?: string[];
  issuerUrl?: string;
}

/** RegisterClient output; times in epoch seconds. */
export interface RegisterClientOutput {
  clientId: string;
  clientSecret: string;
  clientIdIssuedAt?: number;
  clientSecretExpiresAt: number;
}

/** StartDeviceAuthorization output. */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  /** Seconds until the device code expires. */
  expiresIn: number;
  /** Seconds between polls, if the service says. */
  interval?: number;
}

/** CreateToken input. */
export interface CreateTokenInput {
  clientId: string;
  clientSecret: string;
  grantType: string;
  deviceCode?: string;
  code?: string;
  refreshToken?: string;
  redirectUri?: string;
  codeVerifier?: string;
  scope?: string[];
}

/** CreateToken output. */
export interface CreateTokenOutput {
  accessToken: string;
  tokenType?: string;
  /** Seconds. */
  expiresIn: number;
  refreshToken?: string;
  idToken?: string;
}

/**
 * The OIDC operations. A service error rejects with an `Error` whose `name` is the AWS error type
 * (`AuthorizationPendingException`, `SlowDownException`, `ExpiredTokenException`,
 * `InvalidGrantException`, …).
 */
export interface OidcApi {
  registerClient(input: RegisterClientInput): Promise<RegisterClientOutput>;
  startDeviceAuthorization(
    input: { clientId: string; clientSecret: string; startUrl: string },
  ): Promise<DeviceAuthorization>;
  createToken(input: CreateTokenInput): Promise<CreateTokenOutput>;
  /** The browser authorization endpoint: `{oidc base}/authorize`. */
  authorizeEndpoint(): string;
}
