import assert from "node:assert/strict";
import {
  canonicalRequest,
  parseSigV4Authorization,
  sha256Hex,
  signaturesEqual,
  sigV4Signature,
  stringToSign,
} from "../../testing/sigv4.ts";

// The worked example of the AWS SigV4 documentation (IAM ListUsers, 2015-08-30).
const EXAMPLE = {
  secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  canonical: "GET\n/\nAction=ListUsers&Version=2010-05-08\n" +
    "content-type:application/x-www-form-urlencoded; charset=utf-8\n" +
    "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n" +
    "content-type;host;x-amz-date\n" +
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  canonicalHash: "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
  signature: "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
};

Deno.test("canonicalRequest() builds the canonical request of the AWS worked example", () => {
  const canonical = canonicalRequest({
    method: "GET",
    path: "/",
    query: "Version=2010-05-08&Action=ListUsers",
    headers: new Headers({
      "Content-Type": "application/x-www-form-urlencoded;  charset=utf-8 ",
      Host: "iam.amazonaws.com",
      "X-Amz-Date": "20150830T123600Z",
      "User-Agent": "not signed",
    }),
    body: new Uint8Array(),
  }, ["content-type", "host", "x-amz-date"]);
  assert.equal(canonical, EXAMPLE.canonical);
  assert.equal(sha256Hex(canonical), EXAMPLE.canonicalHash);
});

Deno.test("sigV4Signature() gives the signature of the AWS worked example", () => {
  const scope = { date: "20150830", region: "us-east-1", service: "iam" };
  const toSign = stringToSign(
    "20150830T123600Z",
    "20150830/us-east-1/iam/aws4_request",
    EXAMPLE.canonical,
  );
  assert.equal(
    toSign,
    `AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n${EXAMPLE.canonicalHash}`,
  );
  assert.equal(sigV4Signature(EXAMPLE.secret, scope, toSign), EXAMPLE.signature);
  assert.notEqual(
    sigV4Signature(EXAMPLE.secret, { ...scope, region: "eu-west-1" }, toSign),
    EXAMPLE.signature,
  );
});

Deno.test("parseSigV4Authorization() reads the credential scope, signed headers and signature", async (t) => {
  await t.step("a botocore-style header", () => {
    assert.deepEqual(
      parseSigV4Authorization(
        "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261125/eu-west-1/sts/aws4_request, " +
          "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=abc123",
      ),
      {
        accessKeyId: "ASIAEXAMPLE",
        date: "20261125",
        region: "eu-west-1",
        service: "sts",
        terminator: "aws4_request",
        signedHeaders: ["content-type", "host", "x-amz-date", "x-amz-security-token"],
        signature: "abc123",
      },
    );
  });
  for (
    const header of [
      "",
      "Bearer abc",
      "AWS4-HMAC-SHA256 Credential=A/20261125/us-east-1/sts, SignedHeaders=host, Signature=x",
      "AWS4-HMAC-SHA256 Credential=A/20261125/us-east-1/sts/aws4_request, Signature=x",
      "AWS4-HMAC-SHA256 garbage",
    ]
  ) {
    await t.step(`rejects ${JSON.stringify(header)}`, () => {
      assert.equal(parseSigV4Authorization(header), undefined);
    });
  }
});

Deno.test("canonicalRequest() encodes the path once more and sorts the query", () => {
  const canonical = canonicalRequest({
    method: "post",
    path: "/a%20b/c",
    query: "b=2&a=x%2Fy&a=1",
    headers: new Headers({ host: "h" }),
    body: new TextEncoder().encode("Action=GetCallerIdentity"),
  }, ["host"]);
  const [method, path, query] = canonical.split("\n");
  assert.equal(method, "POST");
  assert.equal(path, "/a%2520b/c");
  assert.equal(query, "a=1&a=x%2Fy&b=2");
  assert.ok(canonical.endsWith(sha256Hex("Action=GetCallerIdentity")));
});

Deno.test("signaturesEqual() compares hex signatures", () => {
  assert.equal(signaturesEqual("abcd", "abcd"), true);
  assert.equal(signaturesEqual("abcd", "abce"), false);
  assert.equal(signaturesEqual("abcd", "abc"), false);
});
