/**
 * The {@linkcode OidcApi} on top of `@aws-sdk/client-sso-oidc`. Loaded only for a refresh or a login.
 *
 * @module
 */

import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { awsRequestHandler } from "../aws_http.ts";
import { dnsSuffix } from "../endpoints.ts";
import type { OidcApi, OidcClientOptions } from "./oidc_api.ts";

function invalid(what: string): Error {
  return Object.assign(new Error(`SSO OIDC returned no ${what}`), { name: "InvalidResponse" });
}

/** Builds an OIDC client that makes one attempt per call. */
export function sdkOidc(options: OidcClientOptions): OidcApi {
  const base = options.endpoint ?? `https://oidc.${options.region}.${dnsSuffix(options.region)}`;
  const client = new SSOOIDCClient({
    region: options.region,
    maxAttempts: 1,
    endpoint: base,
    requestHandler: awsRequestHandler(
      options.caBundlePem ? { caBundlePem: options.caBundlePem } : {},
    ),
  });
  return {
    async registerClient(input) {
      const out = await client.send(new RegisterClientCommand(input));
      if (!out.clientId || !out.clientSecret) throw invalid("client registration");
      return {
        clientId: out.clientId,
        clientSecret: out.clientSecret,
        clientSecretExpiresAt: out.clientSecretExpiresAt ?? 0,
        ...(out.clientIdIssuedAt !== undefined ? { clientIdIssuedAt: out.clientIdIssuedAt } : {}),
      };
    },
    async startDeviceAuthorization(input) {
      const out = await client.send(new StartDeviceAuthorizationCommand(input));
      if (!out.deviceCode || !out.userCode || !out.verificationUri) {
        throw invalid("device authorization");
      }
      return {
        deviceCode: out.deviceCode,
        userCode: out.userCode,
        verificationUri: out.verificationUri,
        verificationUriComplete: out.verificationUriComplete ?? out.verificationUri,
        expiresIn: out.expiresIn ?? 600,
        ...(out.interval ? { interval: out.interval } : {}),
      };
    },
    async createToken(input) {
      const out = await client.send(new CreateTokenCommand(input));
      if (!out.accessToken || !out.expiresIn) throw invalid("access token");
      return {
        accessToken: out.accessToken,
        expiresIn: out.expiresIn,
        ...(out.tokenType ? { tokenType: out.tokenType } : {}),
        ...(out.refreshToken ? { refreshToken: out.refreshToken } : {}),
        ...(out.idToken ? { idToken: out.idToken } : {}),
      };
    },
    authorizeEndpoint() {
      return `${base.replace(/\/+$/, "")}/authorize`;
    },
  };
}
