/**
 * Response builders in the shapes AWS sends (spec §1, §2, §9), random secret makers and a
 * cancellable sleep, shared by the fake services.
 *
 * @module
 */

/** A JSON response. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json",
      "x-amzn-requestid": crypto.randomUUID(),
      ...headers,
    },
  });
}

/**
 * A rest-json error as the portal sends it: header `x-amzn-errortype` and body
 * `{"__type":…,"message":…}`.
 */
export function portalError(status: number, type: string, message: string): Response {
  return jsonResponse(status, { __type: type, message }, { "x-amzn-errortype": type });
}

/** The OAuth `error` strings of the OIDC exceptions (spec §2). */
const OAUTH_ERRORS: Record<string, string> = {
  AuthorizationPendingException: "authorization_pending",
  SlowDownException: "slow_down",
  ExpiredTokenException: "expired_token",
  AccessDeniedException: "access_denied",
  InvalidGrantException: "invalid_grant",
  InvalidClientException: "invalid_client",
  UnauthorizedClientException: "unauthorized_client",
  UnsupportedGrantTypeException: "unsupported_grant_type",
  InvalidScopeException: "invalid_scope",
  InvalidRequestException: "invalid_request",
  InvalidClientMetadataException: "invalid_client_metadata",
  InvalidRedirectUriException: "invalid_redirect_uri",
  InternalServerException: "server_error",
};

/**
 * An OIDC error: status 400, 401 for `InvalidClientException`, 500 for
 * `InternalServerException`; header `x-amzn-errortype`; body
 * `{"error":"<oauth code>","error_description":…}`.
 */
export function oidcError(type: string, description: string, status?: number): Response {
  const code = status ??
    (type === "InvalidClientException" ? 401 : type === "InternalServerException" ? 500 : 400);
  return jsonResponse(
    code,
    { error: OAUTH_ERRORS[type] ?? type, error_description: description },
    { "x-amzn-errortype": type },
  );
}

/** Escapes text for XML. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An STS (query protocol) error: `<ErrorResponse><Error><Type/><Code/><Message/></Error>…`. */
export function stsError(status: number, code: string, message: string): Response {
  const type = status >= 500 ? "Receiver" : "Sender";
  const body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n` +
    `  <Error>\n    <Type>${type}</Type>\n    <Code>${xmlEscape(code)}</Code>\n` +
    `    <Message>${xmlEscape(message)}</Message>\n  </Error>\n` +
    `  <RequestId>${crypto.randomUUID()}</RequestId>\n</ErrorResponse>\n`;
  return new Response(body, {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": crypto.randomUUID() },
  });
}

/** Characters of base64url. */
export const BASE64URL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A cryptographically random string of `length` characters from `alphabet`. */
export function randomString(length: number, alphabet: string = BASE64URL_CHARS): string {
  const bytes = crypto.getRandomValues(new Uint32Array(length));
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Resolves after `ms`, or early when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Unpadded base64url of bytes. */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** One request to the fake, with its body already read. */
export interface RequestContext {
  /** The request. */
  request: Request;
  /** Its parsed URL. */
  url: URL;
  /** The body bytes (empty for GET). */
  body: Uint8Array;
  /** The fake's origin, e.g. `http://127.0.0.1:4567`. */
  origin: string;
}

/** The body as a JSON object, or undefined if it is not one. */
export function jsonObject(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(body));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

/** A list of strings from a JSON field, `[]` if absent, undefined if malformed. */
export function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
}
