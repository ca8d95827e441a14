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
import { scrubAnswers } from "../aws_error.ts";
import { awsRequestHandler, sdkClientSettings } from "../aws_http.ts";
import { dnsSuffix } from "../endpoints.ts";
import type { OidcApi, OidcClientOptions } from "./oidc_api.ts";
import { bearerToken } from "./sso_token.ts";

function invalid(what: string): Error {
  return Object.assign(new Error(`SSO OIDC returned no ${what}`), { name: "InvalidResponse" });
}

/**
 * A non-empty string of an answer, or `undefined`. The SDK does not check the types it reads: a
 * field may hold a number, an object or `null` whatever its declared type.
 */
function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A count of seconds of an answer (a lifetime, or a time since 1970), or `undefined`. */
function seconds(value: unknown): number | undefined {
  return typeof value === "number" && value >= 0 && value < 8.64e12 ? value : undefined;
}

/** Builds an OIDC client that makes one attempt per call. */
export function sdkOidc(options: OidcClientOptions): OidcApi {
  const base = options.endpoint ?? `https://oidc.${options.region}.${dnsSuffix(options.region)}`;
  const client = new SSOOIDCClient({
    ...sdkClientSettings(),
    region: options.region,
    endpoint: base,
    requestHandler: awsRequestHandler(
      options.caBundlePem ? { caBundlePem: options.caBundlePem } : {},
    ),
  });
  client.middlewareStack.add(scrubAnswers, { step: "initialize", name: "withoutAnswerText" });
  return {
    async registerClient(input) {
      const out = await client.send(new RegisterClientCommand(input));
      const clientId = text(out.clientId);
      const clientSecret = text(out.clientSecret);
      if (!clientId || !clientSecret) throw invalid("client registration");
      return {
        clientId,
        clientSecret,
        clientSecretExpiresAt: seconds(out.clientSecretExpiresAt) ?? 0,
        ...(seconds(out.clientIdIssuedAt) !== undefined
          ? { clientIdIssuedAt: seconds(out.clientIdIssuedAt)! }
          : {}),
      };
    },
    async startDeviceAuthorization(input) {
      const out = await client.send(new StartDeviceAuthorizationCommand(input));
      const deviceCode = text(out.deviceCode);
      const userCode = text(out.userCode);
      const verificationUri = text(out.verificationUri);
      if (!deviceCode || !userCode || !verificationUri) throw invalid("device authorization");
      const interval = seconds(out.interval);
      return {
        deviceCode,
        userCode,
        verificationUri,
        verificationUriComplete: text(out.verificationUriComplete) ?? verificationUri,
        expiresIn: seconds(out.expiresIn) ?? 600,
        ...(interval ? { interval } : {}),
      };
    },
    async createToken(input) {
      const out = await client.send(new CreateTokenCommand(input));
      const accessToken = bearerToken(out.accessToken);
      const expiresIn = seconds(out.expiresIn);
      if (!accessToken || !expiresIn) throw invalid("access token");
      const tokenType = text(out.tokenType);
      const refreshToken = text(out.refreshToken);
      const idToken = text(out.idToken);
      return {
        accessToken,
        expiresIn,
        ...(tokenType ? { tokenType } : {}),
        ...(refreshToken ? { refreshToken } : {}),
        ...(idToken ? { idToken } : {}),
      };
    },
    authorizeEndpoint() {
      return `${base.replace(/\/+$/, "")}/authorize`;
    },
  };
}
