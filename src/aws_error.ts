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
  if (inner !== err && inner instanceof Error && inner.message) return inner.message;
  const name = awsErrorName(err);
  const message = err instanceof Error ? err.message : String(err);
  return message && message !== name ? `${name}: ${message}` : name;
}
