/**
 * The fake STS (spec §9): `GetCallerIdentity` over the query protocol, accepting only requests
 * signed with SigV4 by role credentials the fake portal issued.
 *
 * @module
 */

import {
  canonicalRequest,
  parseSigV4Authorization,
  sha256Hex,
  signaturesEqual,
  sigV4Signature,
  stringToSign,
} from "./sigv4.ts";
import { type FakeState, reservedRoleSuffix, roleId } from "./state.ts";
import { type RequestContext, stsError, xmlEscape } from "./wire.ts";

/** How far the request time may be from the server's, as AWS allows. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/** Parses `YYYYMMDDTHHMMSSZ` to epoch ms, NaN if malformed. */
function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

/** `POST /` with `Action=GetCallerIdentity`. */
export function getCallerIdentity(state: FakeState, ctx: RequestContext): Response {
  const headers = ctx.request.headers;
  const authorization = headers.get("authorization");
  if (!authorization) {
    return stsError(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
  }
  const auth = parseSigV4Authorization(authorization);
  if (!auth) {
    return stsError(400, "IncompleteSignature", "Authorization header is not a complete SigV4");
  }
  const amzDate = headers.get("x-amz-date") ?? "";
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt)) {
    return stsError(400, "IncompleteSignature", "Authorization header requires a valid X-Amz-Date");
  }
  if (auth.service !== "sts" || auth.terminator !== "aws4_request") {
    return stsError(
      403,
      "SignatureDoesNotMatch",
      "Credential should be scoped to correct service: 'sts'.",
    );
  }
  if (!auth.signedHeaders.includes("host")) {
    return stsError(
      403,
      "SignatureDoesNotMatch",
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  if (amzDate.slice(0, 8) !== auth.date) {
    return stsError(
      403,
      "SignatureDoesNotMatch",
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP",
    );
  }
  const creds = state.roleCredentials.get(auth.accessKeyId);
  if (!creds || headers.get("x-amz-security-token") !== creds.sessionToken) {
    return stsError(
      403,
      "InvalidClientTokenId",
      "The security token included in the request is invalid.",
    );
  }
  if (creds.expiration <= state.now()) {
    return stsError(400, "ExpiredToken", "The security token included in the request is expired");
  }
  const contentHash = headers.get("x-amz-content-sha256");
  const canonical = canonicalRequest({
    method: ctx.request.method,
    path: ctx.url.pathname,
    query: ctx.url.search.replace(/^\?/, ""),
    headers,
    body: ctx.body,
  }, auth.signedHeaders);
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const expected = sigV4Signature(
    creds.secretAccessKey,
    auth,
    stringToSign(amzDate, scope, canonical),
  );
  if (
    !signaturesEqual(expected, auth.signature) ||
    (contentHash !== null && contentHash !== sha256Hex(ctx.body))
  ) {
    return stsError(
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. " +
        "Check your AWS Secret Access Key and signing method. " +
        "Consult the service documentation for details.",
    );
  }
  if (Math.abs(Date.now() - signedAt) > MAX_SKEW_MS) {
    return stsError(
      403,
      "SignatureDoesNotMatch",
      `Signature expired: ${amzDate} is too far from now`,
    );
  }
  const params = new URLSearchParams(new TextDecoder().decode(ctx.body));
  const action = params.get("Action") ?? ctx.url.searchParams.get("Action");
  if (action !== "GetCallerIdentity") {
    return stsError(
      400,
      "InvalidAction",
      `Could not find operation ${action} for version 2011-06-15`,
    );
  }
  const user = state.config.directory.userName;
  const role = `AWSReservedSSO_${creds.roleName}_${
    reservedRoleSuffix(creds.accountId, creds.roleName)
  }`;
  const body = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n` +
    `  <GetCallerIdentityResult>\n` +
    `    <Arn>${
      xmlEscape(`arn:aws:sts::${creds.accountId}:assumed-role/${role}/${user}`)
    }</Arn>\n` +
    `    <UserId>${xmlEscape(`${roleId(creds.accountId, creds.roleName)}:${user}`)}</UserId>\n` +
    `    <Account>${creds.accountId}</Account>\n` +
    `  </GetCallerIdentityResult>\n` +
    `  <ResponseMetadata>\n    <RequestId>${crypto.randomUUID()}</RequestId>\n  </ResponseMetadata>\n` +
    `</GetCallerIdentityResponse>\n`;
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": crypto.randomUUID() },
  });
}
