/**
 * The fake SSO OIDC service (spec §2, §3): RegisterClient, StartDeviceAuthorization, CreateToken
 * with the device code, refresh token and authorization code (PKCE S256) grants, the browser's
 * `GET /authorize`, and a device verification page that approves like a user would.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { ClientRecord, FakeState, TokenGrant } from "./state.ts";
import {
  base64url,
  jsonObject,
  jsonResponse,
  oidcError,
  randomString,
  type RequestContext,
  stringList,
} from "./wire.ts";

/** The device code grant type, as the SDKs send it. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** Grant types RegisterClient accepts. */
const KNOWN_GRANTS = ["authorization_code", "refresh_token", DEVICE_CODE_GRANT];

/** Characters of user codes (no look-alikes). */
const USER_CODE_CHARS = "BCDFGHJKLMNPQRSTVWXZ";

/** The short grant name of a CreateToken body, for counting. */
export function grantOf(body: Uint8Array): TokenGrant | undefined {
  const grant = jsonObject(body)?.grantType;
  if (grant === DEVICE_CODE_GRANT) return "device_code";
  if (grant === "refresh_token" || grant === "authorization_code") return grant;
  return undefined;
}

/** `POST /client/register`. */
export function registerClient(state: FakeState, ctx: RequestContext): Response {
  const input = jsonObject(ctx.body);
  if (!input) return oidcError("InvalidRequestException", "Request body is not a JSON object");
  const { clientName, clientType, issuerUrl } = input;
  if (typeof clientName !== "string" || clientName === "" || typeof clientType !== "string") {
    return oidcError("InvalidRequestException", "clientName and clientType are required");
  }
  if (clientType !== "public") {
    return oidcError("InvalidClientMetadataException", `Invalid client type: ${clientType}`);
  }
  const scopes = stringList(input.scopes);
  const grantTypes = stringList(input.grantTypes);
  const redirectUris = stringList(input.redirectUris);
  if (!scopes || !grantTypes || !redirectUris) {
    return oidcError("InvalidRequestException", "scopes, grantTypes and redirectUris are lists");
  }
  if (issuerUrl !== undefined && typeof issuerUrl !== "string") {
    return oidcError("InvalidRequestException", "issuerUrl must be a string");
  }
  const unknown = grantTypes.find((g) => !KNOWN_GRANTS.includes(g));
  if (unknown) return oidcError("UnsupportedGrantTypeException", `Unsupported grant: ${unknown}`);
  for (const uri of redirectUris) {
    if (!URL.canParse(uri) || !/^https?:$/.test(new URL(uri).protocol)) {
      return oidcError("InvalidRedirectUriException", `Invalid redirect URI: ${uri}`);
    }
  }
  if (grantTypes.includes("authorization_code") && redirectUris.length === 0) {
    return oidcError("InvalidRedirectUriException", "authorization_code needs redirectUris");
  }
  const client = state.registerClient({
    clientName,
    clientType,
    scopes,
    grantTypes,
    redirectUris,
    ...(issuerUrl === undefined ? {} : { issuerUrl }),
  });
  return jsonResponse(200, {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    clientIdIssuedAt: client.issuedAt,
    clientSecretExpiresAt: client.expiresAt,
  });
}

/** The registered client for an id and secret, or the error response. */
function authenticateClient(
  state: FakeState,
  input: Record<string, unknown>,
): ClientRecord | Response {
  const { clientId, clientSecret } = input;
  if (typeof clientId !== "string" || typeof clientSecret !== "string") {
    return oidcError("InvalidRequestException", "clientId and clientSecret are required");
  }
  const client = state.clients.get(clientId);
  if (!client || client.clientSecret !== clientSecret) {
    return oidcError("InvalidClientException", "Invalid client credentials");
  }
  if (client.expiresAt * 1000 <= state.now()) {
    return oidcError("InvalidClientException", "Client registration has expired");
  }
  return client;
}

/** `POST /device_authorization`. */
export function startDeviceAuthorization(state: FakeState, ctx: RequestContext): Response {
  const input = jsonObject(ctx.body);
  if (!input) return oidcError("InvalidRequestException", "Request body is not a JSON object");
  const client = authenticateClient(state, input);
  if (client instanceof Response) return client;
  if (typeof input.startUrl !== "string") {
    return oidcError("InvalidRequestException", "startUrl is required");
  }
  if (input.startUrl !== state.config.startUrl) {
    return oidcError("InvalidRequestException", `Unknown start URL: ${input.startUrl}`);
  }
  const deviceCode = randomString(86);
  const userCode = `${randomString(4, USER_CODE_CHARS)}-${randomString(4, USER_CODE_CHARS)}`;
  state.devices.set(deviceCode, {
    deviceCode,
    userCode,
    clientId: client.clientId,
    expiresAt: state.now() + state.config.deviceCodeTtlSeconds * 1000,
    polls: 0,
    pollIntervalMs: state.config.devicePollIntervalSeconds * 1000,
    status: "pending",
  });
  state.userCodes.set(userCode, deviceCode);
  state.issued.deviceCodes.push(deviceCode);
  const verificationUri = `${ctx.origin}/device`;
  return jsonResponse(200, {
    deviceCode,
    userCode,
    verificationUri,
    verificationUriComplete: `${verificationUri}?user_code=${userCode}`,
    expiresIn: state.config.deviceCodeTtlSeconds,
    interval: state.config.devicePollIntervalSeconds,
  });
}

/** `POST /token`. */
export function createToken(state: FakeState, ctx: RequestContext): Response {
  const input = jsonObject(ctx.body);
  if (!input) return oidcError("InvalidRequestException", "Request body is not a JSON object");
  if (typeof input.codeVerifier === "string") state.issued.codeVerifiers.push(input.codeVerifier);
  const client = authenticateClient(state, input);
  if (client instanceof Response) return client;
  const grant = input.grantType;
  if (typeof grant !== "string") {
    return oidcError("InvalidRequestException", "grantType is required");
  }
  if (!KNOWN_GRANTS.includes(grant)) {
    return oidcError("UnsupportedGrantTypeException", `Unsupported grant type: ${grant}`);
  }
  if (client.grantTypes.length > 0 && !client.grantTypes.includes(grant)) {
    return oidcError("UnauthorizedClientException", `Client is not registered for ${grant}`);
  }
  if (grant === DEVICE_CODE_GRANT) return deviceCodeGrant(state, client, input.deviceCode);
  if (grant === "refresh_token") return refreshTokenGrant(state, client, input.refreshToken);
  return authorizationCodeGrant(state, client, input);
}

/** CreateToken with the device code grant. */
function deviceCodeGrant(state: FakeState, client: ClientRecord, deviceCode: unknown): Response {
  if (typeof deviceCode !== "string") {
    return oidcError("InvalidRequestException", "deviceCode is required");
  }
  const device = state.devices.get(deviceCode);
  if (!device || device.clientId !== client.clientId || device.status === "consumed") {
    return oidcError("InvalidGrantException", "Invalid device code provided");
  }
  if (device.expiresAt <= state.now()) {
    return oidcError("ExpiredTokenException", "Device code has expired");
  }
  const { deviceApproveAfterPolls, userDenies } = state.config;
  const polledAt = state.now();
  const previous = device.lastPollAt;
  device.lastPollAt = polledAt;
  if (
    state.config.enforcePollInterval && previous !== undefined &&
    polledAt - previous < device.pollIntervalMs
  ) {
    // RFC 8628 §3.5: the client must wait 5 s longer from now on.
    device.pollIntervalMs += 5_000;
    return oidcError("SlowDownException", "Client is polling too fast");
  }
  if (device.status === "pending" && deviceApproveAfterPolls !== null) {
    if (device.polls >= deviceApproveAfterPolls) device.status = userDenies ? "denied" : "approved";
  }
  device.polls++;
  if (device.status === "denied") {
    return oidcError("AccessDeniedException", "The user denied the authorization request");
  }
  if (device.status === "pending") {
    return oidcError("AuthorizationPendingException", "Authorization is still pending");
  }
  device.status = "consumed";
  return jsonResponse(200, state.startSession(client, client.scopes));
}

/** CreateToken with the refresh token grant: rotates the refresh token. */
function refreshTokenGrant(state: FakeState, client: ClientRecord, token: unknown): Response {
  if (typeof token !== "string") {
    return oidcError("InvalidRequestException", "refreshToken is required");
  }
  const record = state.refreshTokens.get(token);
  if (
    !record || record.spent || record.clientId !== client.clientId ||
    state.sessions[record.sessionId]?.ended !== false
  ) {
    return oidcError("InvalidGrantException", "Invalid refresh token provided");
  }
  record.spent = true;
  return jsonResponse(200, state.issueTokens(record.sessionId, client));
}

/** Unpadded base64url(SHA-256(verifier)). */
function s256(verifier: string): string {
  return base64url(createHash("sha256").update(verifier).digest());
}

/** CreateToken with the authorization code grant, checking PKCE S256. */
function authorizationCodeGrant(
  state: FakeState,
  client: ClientRecord,
  input: Record<string, unknown>,
): Response {
  const { code, redirectUri, codeVerifier } = input;
  if (typeof code !== "string") return oidcError("InvalidRequestException", "code is required");
  const record = state.authCodes.get(code);
  if (!record || record.clientId !== client.clientId || record.used) {
    return oidcError("InvalidGrantException", "Invalid authorization code provided");
  }
  record.used = true;
  if (record.expiresAt <= state.now()) {
    return oidcError("ExpiredTokenException", "Authorization code has expired");
  }
  if (redirectUri !== record.redirectUri) {
    return oidcError("InvalidGrantException", "redirectUri does not match the authorize request");
  }
  if (
    typeof codeVerifier !== "string" || !/^[A-Za-z0-9._~-]{43,128}$/.test(codeVerifier) ||
    s256(codeVerifier) !== record.codeChallenge
  ) {
    return oidcError("InvalidGrantException", "Code verifier does not match the code challenge");
  }
  return jsonResponse(200, state.startSession(client, record.scopes));
}

/** A small HTML page. */
function page(status: number, text: string): Response {
  return new Response(`<!doctype html><title>fake AWS</title><p>${text}</p>\n`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

/** Whether a requested redirect URI matches a registered one (loopback: any port). */
function redirectMatches(requested: URL, registered: string): boolean {
  if (!URL.canParse(registered)) return false;
  const r = new URL(registered);
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(r.hostname);
  return requested.protocol === r.protocol && requested.hostname === r.hostname &&
    requested.pathname === r.pathname && (loopback || requested.port === r.port);
}

/**
 * `GET /authorize`: behaves like a signed-in user who approves (or, with `userDenies`, denies)
 * and redirects to `redirect_uri?code=…&state=…`.
 */
export function authorize(state: FakeState, ctx: RequestContext): Response {
  const q = ctx.url.searchParams;
  const client = state.clients.get(q.get("client_id") ?? "");
  if (!client) return page(400, "Invalid client_id");
  const redirect = q.get("redirect_uri") ?? "";
  if (!URL.canParse(redirect)) return page(400, "Invalid redirect_uri");
  const target = new URL(redirect);
  if (!client.redirectUris.some((r) => redirectMatches(target, r))) {
    return page(400, "redirect_uri is not registered for this client");
  }
  const back = (params: Record<string, string>): Response => {
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    const stateParam = q.get("state");
    if (stateParam !== null) target.searchParams.set("state", stateParam);
    return new Response(null, { status: 302, headers: { location: target.href } });
  };
  if (q.get("response_type") !== "code") return back({ error: "unsupported_response_type" });
  if (!client.grantTypes.includes("authorization_code")) {
    return back({ error: "unauthorized_client" });
  }
  // The AWS CLI always sends both (spec §3): a client that stopped would go unnoticed here.
  if (!q.get("state") || q.get("scopes") === null) {
    return back({ error: "invalid_request", error_description: "state and scopes are required" });
  }
  const challenge = q.get("code_challenge") ?? "";
  if (q.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    return back({ error: "invalid_request", error_description: "PKCE S256 is required" });
  }
  const scopes = (q.get("scopes") ?? "").split(/\s+/).filter((s) => s !== "");
  if (client.scopes.length > 0 && scopes.some((s) => !client.scopes.includes(s))) {
    return back({ error: "invalid_scope" });
  }
  if (state.config.userDenies) return back({ error: "access_denied" });
  const code = randomString(64);
  state.authCodes.set(code, {
    clientId: client.clientId,
    redirectUri: redirect,
    codeChallenge: challenge,
    scopes: scopes.length > 0 ? scopes : client.scopes,
    expiresAt: state.now() + state.config.authorizationCodeTtlSeconds * 1000,
    used: false,
  });
  state.issued.authorizationCodes.push(code);
  return back({ code });
}

/** `GET /device?user_code=…`: the verification page; opening it approves the device. */
export function verifyDevice(state: FakeState, ctx: RequestContext): Response {
  const userCode = ctx.url.searchParams.get("user_code");
  if (userCode === null) return page(200, "Enter the code shown by your tool.");
  const device = state.devices.get(state.userCodes.get(userCode) ?? "");
  if (!device) return page(404, "Unknown code");
  if (device.status === "pending") device.status = state.config.userDenies ? "denied" : "approved";
  return page(200, device.status === "denied" ? "Request denied" : "Request approved");
}
