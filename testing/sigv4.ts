/**
 * AWS Signature Version 4, from the verifier's side (spec §9): parsing the `Authorization`
 * header, building the canonical request and the string to sign, and the HMAC chain.
 *
 * @module
 */

import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** The fields of an `AWS4-HMAC-SHA256` Authorization header. */
export interface SigV4Authorization {
  /** The access key id from `Credential=`. */
  accessKeyId: string;
  /** `YYYYMMDD` from the credential scope. */
  date: string;
  /** The region from the credential scope. */
  region: string;
  /** The service from the credential scope. */
  service: string;
  /** The last scope element; must be `aws4_request`. */
  terminator: string;
  /** The lower-case header names from `SignedHeaders=`, in the given order. */
  signedHeaders: string[];
  /** The hex signature. */
  signature: string;
}

/** A request as the verifier saw it on the wire. */
export interface SigV4Request {
  /** The HTTP method. */
  method: string;
  /** The path exactly as sent (still percent-encoded), e.g. `/`. */
  path: string;
  /** The query string as sent, without `?`. */
  query: string;
  /** The request headers. */
  headers: Headers;
  /** The body bytes. */
  body: Uint8Array;
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=…`.
 *
 * @returns The fields, or `undefined` if the header is not a complete SigV4 header.
 */
export function parseSigV4Authorization(header: string): SigV4Authorization | undefined {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(header.trim());
  if (!match?.[1]) return undefined;
  const fields = new Map<string, string>();
  for (const part of match[1].split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return undefined;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential")?.split("/");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (credential?.length !== 5 || !signedHeaders || !signature) return undefined;
  const [accessKeyId, date, region, service, terminator] = credential as [
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: signedHeaders.split(";"),
    signature,
  };
}

/** Percent-encodes everything but the RFC 3986 unreserved characters. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Decodes a query component; undecodable text is taken literally. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Lower-case hex SHA-256 of bytes or text. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The canonical request of SigV4 for a non-S3 service: the path encoded once more, the query
 * sorted, the signed headers as `name:trimmed value`, the signed header list and the payload hash.
 */
export function canonicalRequest(request: SigV4Request, signedHeaders: readonly string[]): string {
  const path = request.path === "" ? "/" : request.path.split("/").map(uriEncode).join("/");
  const query = request.query === "" ? [] : request.query.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? "" : pair.slice(eq + 1);
    return [uriEncode(safeDecode(key)), uriEncode(safeDecode(value))] as const;
  });
  query.sort(([ak, av], [bk, bv]) => ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0);
  const headers = signedHeaders.map((name) =>
    `${name}:${(request.headers.get(name) ?? "").trim().replace(/\s+/g, " ")}\n`
  ).join("");
  return [
    request.method.toUpperCase(),
    path,
    query.map(([k, v]) => `${k}=${v}`).join("&"),
    headers,
    signedHeaders.join(";"),
    request.headers.get("x-amz-content-sha256") ?? sha256Hex(request.body),
  ].join("\n");
}

/** `AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{hex(SHA-256(canonical request))}`. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
}

/** The signature: HMAC chain `AWS4`+secret → date → region → service → `aws4_request`. */
export function sigV4Signature(
  secretAccessKey: string,
  scope: { date: string; region: string; service: string },
  toSign: string,
): string {
  let key: Uint8Array = new TextEncoder().encode(`AWS4${secretAccessKey}`);
  for (const part of [scope.date, scope.region, scope.service, "aws4_request"]) {
    key = createHmac("sha256", key).update(part).digest();
  }
  return createHmac("sha256", key).update(toSign).digest("hex");
}

/** Compares two hex signatures in constant time. */
export function signaturesEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
