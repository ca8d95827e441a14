/**
 * Reading the AWS error type off whatever a client rejected with.
 *
 * @module
 */

/** The AWS error type (`UnauthorizedException`, …) of an error, or its name. */
export function awsErrorName(err: unknown): string {
  if (err && typeof err === "object" && "name" in err && typeof err.name === "string") {
    return err.name;
  }
  return "Error";
}

/** The HTTP status the service answered with, when the client says. */
export function httpStatus(err: unknown): number | undefined {
  const meta = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return meta?.httpStatusCode;
}

/**
 * A short description of a service error for messages: its type and message, no secrets. A
 * network failure's useful words are in its innermost cause (`fetch failed` ← `… invalid peer
 * certificate: UnknownIssuer`), so that one is used.
 */
export function describeAwsError(err: unknown): string {
  let inner: unknown = err;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  if (inner !== err && inner instanceof Error && inner.message) {
    return firstLine(String(inner.message));
  }
  const name = awsErrorName(err);
  if (isUnreadableAnswer(err)) {
    // The reader's message may quote the answer's bytes (a JSON parser does), secrets included.
    const status = httpStatus(err);
    return `the answer could not be read (${name}${status ? `, HTTP ${status}` : ""})`;
  }
  // OIDC errors carry their text in `error_description` (OAuth style); the message is then
  // "UnknownError". A service may send anything as either (a number, an object): make it text.
  const described = (err as { error_description?: unknown } | null)?.error_description;
  const message = typeof described === "string" && described.trim() !== ""
    ? firstLine(described)
    : firstLine(String(err instanceof Error ? err.message : err));
  return message && message !== name ? `${name}: ${message}` : name;
}

/** The first line of a message: the SDK appends notes on further lines. */
function firstLine(text: string): string {
  return text.split("\n")[0]!.trim();
}

/**
 * Whether an AWS SDK call failed because the answer could not be read: the connection dropped
 * mid-body, or the JSON was cut short or malformed. The SDK then rejects with the reader's own
 * error (`TypeError`, `SyntaxError`, …) carrying the response as `$response`; an error the service
 * sent (`InternalServerException`, …) carries `$fault` instead.
 *
 * @param err what a call rejected with
 * @returns whether it is an unreadable answer
 * @example
 * ```ts
 * import { isUnreadableAnswer } from "./aws_error.ts";
 * import assert from "node:assert/strict";
 *
 * const cut = Object.assign(new SyntaxError("Unterminated string in JSON"), { $response: {} });
 * assert.equal(isUnreadableAnswer(cut), true);
 * const sent = Object.assign(new Error("Boom"), { $response: {}, $fault: "server" });
 * assert.equal(isUnreadableAnswer(sent), false);
 * ```
 */
export function isUnreadableAnswer(err: unknown): boolean {
  if (err === null || typeof err !== "object") return false;
  const e = err as { $response?: unknown; $fault?: unknown };
  return e.$response !== undefined && e.$fault === undefined;
}

/**
 * An unreadable answer's error (see {@linkcode isUnreadableAnswer}) without the reader's message,
 * which may quote the answer (a JSON parser quotes the bytes before the fault, secrets included),
 * even in a `--debug` stack. It keeps the name, `$metadata` and `$response`. Other errors are
 * returned as they are.
 *
 * @param err what a call rejected with
 * @returns the error to throw instead
 * @example
 * ```ts
 * import { withoutAnswerText } from "./aws_error.ts";
 * import assert from "node:assert/strict";
 *
 * const cut = Object.assign(new SyntaxError(`Unexpected token 'w', ..."Key":wJalrXUtnF"...`), {
 *   $response: {},
 * });
 * const clean = withoutAnswerText(cut) as Error;
 * assert.equal(clean.name, "SyntaxError");
 * assert.doesNotMatch(`${clean.message}\n${clean.stack}`, /wJalr/);
 * ```
 */
export function withoutAnswerText(err: unknown): unknown {
  if (!isUnreadableAnswer(err)) return err;
  const e = err as Error & { $metadata?: unknown; $response?: unknown };
  const clean = new Error(`The answer could not be read (${e.name})`);
  clean.name = e.name;
  Object.defineProperty(clean, "$metadata", { value: e.$metadata, enumerable: true });
  Object.defineProperty(clean, "$response", { value: e.$response, enumerable: false });
  return clean;
}

/** The fields of a request that hold a secret (portal and OIDC calls). */
const SECRET_INPUTS = [
  "accessToken",
  "refreshToken",
  "clientSecret",
  "codeVerifier",
  "code",
  "deviceCode",
] as const;

/**
 * An error without the secrets of the request it answers: a service, or a proxy in front of it,
 * may quote what it was sent (`Invalid header …: <token>`). Each secret is replaced by `***` in
 * every text property (message, stack, `error_description`, …) of the error and of its causes,
 * in place.
 *
 * @param err what a call rejected with
 * @param input the call's input
 * @returns `err`
 * @example
 * ```ts
 * import { withoutSecretsOf } from "./aws_error.ts";
 * import assert from "node:assert/strict";
 *
 * const err = withoutSecretsOf(new Error("Bad token aoaSECRET"), { accessToken: "aoaSECRET" });
 * assert.equal((err as Error).message, "Bad token ***");
 * ```
 */
export function withoutSecretsOf(err: unknown, input: unknown): unknown {
  const fields = input !== null && typeof input === "object"
    ? input as Record<string, unknown>
    : {};
  const secrets = SECRET_INPUTS.map((k) => fields[k])
    .filter((v): v is string => typeof v === "string" && v.length >= 8);
  if (secrets.length === 0) return err;
  const scrub = (text: string) => secrets.reduce((t, secret) => t.replaceAll(secret, "***"), text);
  for (let e = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    for (const key of Object.getOwnPropertyNames(e)) {
      const value = (e as unknown as Record<string, unknown>)[key];
      if (typeof value === "string" && secrets.some((secret) => value.includes(secret))) {
        Object.defineProperty(e, key, { value: scrub(value) });
      }
    }
  }
  return err;
}

/**
 * An SDK client middleware (step `initialize`) that throws what a call rejects with
 * {@linkcode withoutSecretsOf} its input and {@linkcode withoutAnswerText}.
 */
export function scrubAnswers<I, O>(
  next: (args: I) => Promise<O>,
): (args: I) => Promise<O> {
  return async (args) => {
    try {
      return await next(args);
    } catch (err) {
      throw withoutAnswerText(withoutSecretsOf(err, (args as { input?: unknown }).input));
    }
  };
}
