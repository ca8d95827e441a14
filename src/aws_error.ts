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
    : firstLine(err instanceof Error ? messageText(err.message) : String(err));
  return message && message !== name ? `${name}: ${message}` : name;
}

/**
 * An error's message as text: the SDK copies an answer's `message` as it comes, so it may be an
 * array of strings (joined) or anything else (left out).
 */
function messageText(message: unknown): string {
  if (typeof message === "string") return message;
  if (Array.isArray(message) && message.every((m) => typeof m === "string")) {
    return message.join(" ");
  }
  return "";
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
 * every property of the error and of its causes that is text (message, stack,
 * `error_description`, `$responseBodyText`, …) or an array or plain object holding text: in place,
 * or in a copy where a property cannot be rewritten. Other objects (`AggregateError.errors`) are
 * not searched: the SDK puts none there.
 *
 * @param err what a call rejected with
 * @param input the call's input
 * @returns `err`, or its clean copy
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
  return scrubbed(err, (v) => secrets.some((secret) => v.includes(secret)), scrub, 0);
}

/**
 * Whether a property's value holds a secret: a string, or an array or plain object with one in
 * it (the SDK copies an answer's `message` as it comes, whatever its JSON type).
 */
function carries(value: unknown, holds: (text: string) => boolean): boolean {
  if (typeof value === "string") return holds(value);
  try {
    if (!Array.isArray(value) && Object.getPrototypeOf(value ?? 0) !== Object.prototype) {
      return false;
    }
    return holds(JSON.stringify(value));
  } catch {
    return false; // a revoked Proxy, a cycle, a BigInt: no answer of a service
  }
}

/** A string, array or plain object with `scrub` applied to every string in it. */
function scrubValue(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === "string") return scrub(value);
  return JSON.parse(JSON.stringify(value), (_key, v) => typeof v === "string" ? scrub(v) : v);
}

/**
 * An error with `scrub` applied to each text property that `holds` a secret, and to its causes:
 * in place where it can be, otherwise a copy (same prototype, name and other properties) for a
 * property that cannot be redefined (a frozen error, smithy's read-only `$responseBodyText`).
 */
function scrubbed(
  err: unknown,
  holds: (text: string) => boolean,
  scrub: (text: string) => string,
  depth: number,
): unknown {
  if (depth >= 10) return err;
  // A cause (or a thrown value) that is no Error: text or data.
  if (!(err instanceof Error)) return carries(err, holds) ? scrubValue(err, scrub) : err;
  const e = err as unknown as Record<string, unknown>;
  const keys = Object.getOwnPropertyNames(err);
  let inPlace = true;
  for (const key of keys) {
    const value = e[key];
    if (key === "cause" || !carries(value, holds)) continue;
    try {
      Object.defineProperty(err, key, { value: scrubValue(value, scrub) });
    } catch {
      inPlace = false;
      break;
    }
  }
  const cause = scrubbed(err.cause, holds, scrub, depth + 1);
  if (inPlace && cause === err.cause) return err;
  if (inPlace) {
    try {
      Object.defineProperty(err, "cause", { value: cause });
      return err;
    } catch { /* copied below */ }
  }
  const copy = Object.create(Object.getPrototypeOf(err)) as Record<string, unknown>;
  for (const key of keys) {
    const value = key === "cause" ? cause : e[key];
    Object.defineProperty(copy, key, {
      value: key !== "cause" && carries(value, holds) ? scrubValue(value, scrub) : value,
      writable: true,
      configurable: true,
      enumerable: Object.getOwnPropertyDescriptor(err, key)?.enumerable ?? false,
    });
  }
  return copy;
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
