/**
 * The fake AWS judged by botocore 1.29 and boto3 from Debian (`/usr/bin/python3`). These tests
 * fail, not skip, when python3-botocore or python3-boto3 is missing: CI installs them.
 */

import assert from "node:assert/strict";
import { startFakeAws } from "../../testing/mod.ts";

const PYTHON = "/usr/bin/python3";

/** Runs a Python script with arguments; returns its stdout parsed as JSON. */
async function python(script: string, args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(PYTHON, {
    args: ["-c", script, ...args],
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: { PATH: "/usr/bin:/bin", HOME: "/nonexistent", AWS_CONFIG_FILE: "/dev/null" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `python failed:\n${stderr}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The OIDC flows through botocore's sso-oidc client: every result or error code, as JSON. */
const OIDC_SCRIPT = `
import json, sys, urllib.request
import botocore.session
from botocore import UNSIGNED
from botocore.config import Config

url, expired_url, start_url = sys.argv[1:4]
session = botocore.session.get_session()
config = Config(signature_version=UNSIGNED, retries={"max_attempts": 0})
oidc = session.create_client("sso-oidc", region_name="us-east-1", endpoint_url=url, config=config)
out = {}

def attempt(name, call):
    try:
        out[name] = {"ok": call()}
    except oidc.exceptions.ClientError as e:
        out[name] = {
            "class": type(e).__name__,
            "code": e.response["Error"]["Code"],
            "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
        }

reg = oidc.register_client(clientName="botocore-client-test", clientType="public",
                           scopes=["sso:account:access"])
out["expiresAtType"] = type(reg["clientSecretExpiresAt"]).__name__
dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                      startUrl=start_url)
def poll():
    return oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                             grantType="urn:ietf:params:oauth:grant-type:device_code",
                             deviceCode=dev["deviceCode"])
for i in range(3):
    attempt("poll%d" % i, lambda: poll()["tokenType"])
tokens = poll()
out["poll3"] = tokens["tokenType"]
def refresh(token):
    return lambda: oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                     grantType="refresh_token", refreshToken=token)["expiresIn"]
attempt("refreshBogus", refresh("bogus"))
attempt("refreshOnce", refresh(tokens.get("refreshToken", "")))
attempt("refreshAgain", refresh(tokens.get("refreshToken", "")))
attempt("badSecret", lambda: oidc.create_token(clientId=reg["clientId"], clientSecret="nope",
                                               grantType="refresh_token", refreshToken="x"))
rule = json.dumps([{"op": "createToken", "kind": "error", "errorType": "AccessDeniedException"}])
urllib.request.urlopen(urllib.request.Request(url + "/__fake/faults", data=rule.encode(),
                                              method="POST")).read()
attempt("denied", refresh("x"))

oidc2 = session.create_client("sso-oidc", region_name="us-east-1", endpoint_url=expired_url,
                              config=config)
reg2 = oidc2.register_client(clientName="botocore-client-test", clientType="public")
dev2 = oidc2.start_device_authorization(clientId=reg2["clientId"],
                                        clientSecret=reg2["clientSecret"], startUrl=start_url)
try:
    oidc2.create_token(clientId=reg2["clientId"], clientSecret=reg2["clientSecret"],
                       grantType="urn:ietf:params:oauth:grant-type:device_code",
                       deviceCode=dev2["deviceCode"])
except oidc2.exceptions.ExpiredTokenException as e:
    out["expired"] = type(e).__name__
print(json.dumps(out))
`;

Deno.test("botocore maps the fake's CreateToken errors to its OIDC exception classes", async () => {
  await using aws = await startFakeAws({
    deviceApproveAfterPolls: 2,
    devicePollIntervalSeconds: 0, // the script polls back to back; its slow_down is the fault's
    faults: [{ op: "createToken", kind: "slow_down", skip: 1, count: 1 }],
  });
  await using expiring = await startFakeAws({ deviceCodeTtlSeconds: 0 });
  const out = await python(OIDC_SCRIPT, [aws.url, expiring.url, aws.startUrl]);
  const error = (cls: string, code: string, status = 400) => ({ class: cls, code, status });
  assert.deepEqual(out, {
    expiresAtType: "int",
    poll0: error("AuthorizationPendingException", "AuthorizationPendingException"),
    poll1: error("SlowDownException", "SlowDownException"),
    poll2: error("AuthorizationPendingException", "AuthorizationPendingException"),
    poll3: "Bearer",
    refreshBogus: error("InvalidGrantException", "InvalidGrantException"),
    refreshOnce: { ok: 28_800 },
    refreshAgain: error("InvalidGrantException", "InvalidGrantException"),
    badSecret: error("InvalidClientException", "InvalidClientException", 401),
    denied: error("AccessDeniedException", "AccessDeniedException"),
    expired: "ExpiredTokenException",
  });
});

/** The portal and STS through botocore and boto3, as JSON. */
const PORTAL_SCRIPT = `
import json, sys, urllib.request
import boto3, botocore.session
from botocore import UNSIGNED
from botocore.config import Config

url, token = sys.argv[1:3]
session = botocore.session.get_session()
config = Config(signature_version=UNSIGNED, retries={"max_attempts": 0})
sso = session.create_client("sso", region_name="us-east-1", endpoint_url=url, config=config)
out = {}
pages = sso.get_paginator("list_accounts").paginate(accessToken=token,
                                                     PaginationConfig={"PageSize": 2})
out["pages"] = [[a["accountId"] for a in p["accountList"]] for p in pages]
roles = sso.list_account_roles(accessToken=token, accountId="222222222222")
out["roles"] = [r["roleName"] for r in roles["roleList"]]
rc = sso.get_role_credentials(accessToken=token, accountId="111111111111",
                              roleName="ReadOnly")["roleCredentials"]
out["expirationType"] = type(rc["expiration"]).__name__
out["expiration"] = rc["expiration"]

def code_of(call):
    try:
        call()
        return None
    except sso.exceptions.ClientError as e:
        return [type(e).__name__, e.response["Error"]["Code"],
                e.response["ResponseMetadata"]["HTTPStatusCode"]]

out["unauthorized"] = code_of(lambda: sso.list_accounts(accessToken="bogus"))
out["forbidden"] = code_of(lambda: sso.get_role_credentials(
    accessToken=token, accountId="333333333333", roleName="AdministratorAccess"))
rule = json.dumps([{"op": "listAccounts", "kind": "throttle"}])
urllib.request.urlopen(urllib.request.Request(url + "/__fake/faults", data=rule.encode(),
                                              method="POST")).read()
out["throttled"] = code_of(lambda: sso.list_accounts(accessToken=token))

def sts_client(secret=None):
    return boto3.client("sts", region_name="eu-west-1", endpoint_url=url,
                        aws_access_key_id=rc["accessKeyId"],
                        aws_secret_access_key=secret or rc["secretAccessKey"],
                        aws_session_token=rc["sessionToken"],
                        config=Config(retries={"max_attempts": 0}))

def sts_code(client):
    try:
        return client.get_caller_identity()["Arn"]
    except client.exceptions.ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]

out["arn"] = sts_code(sts_client())
out["wrongSecret"] = sts_code(sts_client("x" * 40))
tampered = sts_client()
def flip(request, **kwargs):
    auth = request.headers["Authorization"]
    auth = auth.decode() if isinstance(auth, bytes) else auth
    request.headers["Authorization"] = auth[:-1] + ("1" if auth[-1] == "0" else "0")
tampered.meta.events.register("before-send.sts.GetCallerIdentity", flip)
out["tampered"] = sts_code(tampered)
print(json.dumps(out))
`;

Deno.test("botocore lists, paginates and gets role credentials; boto3 STS signatures are checked", async () => {
  await using aws = await startFakeAws();
  const before = Date.now();
  const { accessToken } = aws.issueTokens();
  const out = await python(PORTAL_SCRIPT, [aws.url, accessToken]);
  const { expiration, arn, ...rest } = out;
  assert.deepEqual(rest, {
    pages: [["111111111111", "222222222222"], ["333333333333"]],
    roles: ["AdministratorAccess", "Developer", "ReadOnly"],
    expirationType: "int",
    unauthorized: ["UnauthorizedException", "UnauthorizedException", 401],
    forbidden: ["ClientError", "ForbiddenException", 403],
    throttled: ["TooManyRequestsException", "TooManyRequestsException", 429],
    wrongSecret: ["SignatureDoesNotMatch", 403],
    tampered: ["SignatureDoesNotMatch", 403],
  });
  assert.ok(Math.abs((expiration as number) - (before + 3_600_000)) < 5_000, "expiration in ms");
  assert.match(
    arn as string,
    /^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_ReadOnly_[0-9a-f]{16}\/alice@example\.com$/,
  );
  const counters = aws.counters;
  assert.equal(counters.listAccounts, 4);
  assert.equal(counters.getCallerIdentity, 3);
  assert.equal(counters.throttled, 1);
});

Deno.test("the AWS CLI v2 from Debian lists accounts through the fake", async () => {
  await using aws = await startFakeAws();
  const { accessToken } = aws.issueTokens();
  const out = await new Deno.Command("/usr/bin/aws", {
    args: [
      "sso",
      "list-accounts",
      "--access-token",
      accessToken,
      "--region",
      "us-east-1",
      "--endpoint-url",
      aws.url,
      "--output",
      "json",
    ],
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: { PATH: "/usr/bin:/bin", HOME: "/nonexistent", AWS_CONFIG_FILE: "/dev/null" },
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const listed = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.deepEqual(
    listed.accountList.map((a: { accountId: string }) => a.accountId),
    ["111111111111", "222222222222", "333333333333"],
  );
});
