/**
 * Turning portal errors into one clear {@linkcode SsoError}.
 *
 * @module
 */

import { awsErrorName, describeAwsError, httpStatus, isUnreadableAnswer } from "../aws_error.ts";
import { SsoError } from "../errors.ts";

/** Whether the portal refused the token itself. */
export function isUnauthorized(err: unknown): boolean {
  return awsErrorName(err) === "UnauthorizedException";
}

/**
 * The domain error for a failed portal call.
 *
 * @param err what the client rejected with
 * @param what the operation, for the message (`List roles of account 111122223333`)
 * @returns an {@linkcode SsoError}
 */
export function portalError(err: unknown, what: string): SsoError {
  if (err instanceof SsoError) return err;
  const name = awsErrorName(err);
  const status = httpStatus(err);
  // A 429 whose error type did not come through (a proxy's or load balancer's answer) too.
  if (name === "TooManyRequestsException" || status === 429) {
    return new SsoError("THROTTLED", `${what}: the SSO portal kept throttling requests`, {
      hint: "try again in a minute",
      cause: err,
    });
  }
  if (
    name === "ForbiddenException" || name === "ResourceNotFoundException" ||
    name === "AccessDeniedException"
  ) {
    return new SsoError("ACCESS_DENIED", `${what}: not granted to you (${name})`, {
      hint: "list what you can use with --list",
      cause: err,
    });
  }
  if (name === "UnauthorizedException") {
    return new SsoError("TOKEN_INVALID", `${what}: the SSO session was refused`, {
      hint: "sign in again with --login",
      cause: err,
    });
  }
  if (status !== undefined && status >= 500) {
    // It answered: the network is fine, the service is not (retried already, with backoff).
    return new SsoError("SERVICE_ERROR", `${what}: ${describeAwsError(err)}`, {
      hint: "the AWS SSO service answered with an error; try again in a few minutes " +
        "(https://health.aws.amazon.com shows outages)",
      cause: err,
    });
  }
  if (status !== undefined && status >= 400 && status !== 407 && !isUnreadableAnswer(err)) {
    // It answered, and refused the request: neither the network (407: a proxy's answer) nor a
    // passing fault.
    return new SsoError("SERVICE_ERROR", `${what}: ${describeAwsError(err)}`, {
      hint: "the AWS SSO service refused the request; run again with --debug for details",
      cause: err,
    });
  }
  // No answer, or one that could not be read (a proxy's page, a cut connection).
  return new SsoError(
    status === undefined ? "NETWORK_ERROR" : "SERVICE_ERROR",
    `${what}: ${describeAwsError(err)}`,
    { hint: "check your network, proxy (HTTPS_PROXY) and CA bundle (AWS_CA_BUNDLE)", cause: err },
  );
}
