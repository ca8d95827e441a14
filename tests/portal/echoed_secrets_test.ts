/**
 * A service (or a proxy before it) that quotes what it was sent in its error text: the token,
 * refresh token or client secret of the request must not come back in the error aws-sso throws,
 * not in its message, hint, stack or any cause.
 */

import assert from "node:assert/strict";
import {
  denoRuntime,
  getRoleCredentials,
  getSsoToken,
  loadSsoProfile,
  SsoError,
} from "@ssokit/aws-sso";
import { fakeSsoHome, findIssuedSecrets, startFakeAws } from "@ssokit/aws-sso/testing";

/** Where the sign-in text goes: nowhere. */
const quiet = { stderr: { write() {}, isTerminal: false } };

/** Everything an error carries as text: message, hint and stack of it and of every cause. */
function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, depth = 0; e !== undefined && depth < 10; depth++) {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      break;
    }
    parts.push(e.message, e.stack ?? "", JSON.stringify(e), Deno.inspect(e));
    if (e instanceof SsoError) parts.push(e.hint ?? "");
    e = e.cause;
  }
  return parts.join("\n");
}

Deno.test("a portal error that quotes the access token does not carry it", async () => {
  await using aws = await startFakeAws();
  await using home = await fakeSsoHome(aws);
  const runtime = { ...denoRuntime(), ...home.runtime, ...quiet };
  const profile = await loadSsoProfile(runtime, "corp");
  const role = { accountId: "111111111111", roleName: "ReadOnly" };
  await getRoleCredentials(runtime, profile, role); // signs in
  const token = aws.issued.accessTokens.at(-1)!;
  aws.setFaults([{
    op: "getRoleCredentials",
    kind: "error",
    status: 400,
    message: `Invalid header x-amz-sso_bearer_token: ${token}`,
  }]);
  const err = await getRoleCredentials(runtime, profile, role).catch((e) => e);
  assert.ok(err instanceof SsoError, String(err));
  assert.equal(err.code, "SERVICE_ERROR");
  assert.match(err.message, /Invalid header x-amz-sso_bearer_token/); // the rest of it is kept
  assert.deepEqual(findIssuedSecrets(errorText(err), aws.issued), []);
});

Deno.test("a refresh error that quotes the refresh token and client secret does not carry them", async () => {
  await using aws = await startFakeAws();
  await using home = await fakeSsoHome(aws);
  let offsetMs = 0;
  const runtime = {
    ...denoRuntime(),
    ...home.runtime,
    ...quiet,
    now: () => Date.now() + offsetMs,
    sleep: () => Promise.resolve(),
  };
  const profile = await loadSsoProfile(runtime, "corp");
  await getSsoToken(runtime, profile); // signs in
  offsetMs = 9 * 3600_000; // the access token has expired; its refresh token has not
  const quoted = `refreshToken=${aws.issued.refreshTokens.at(-1)} ` +
    `clientSecret=${aws.issued.clientSecrets.at(-1)}`;
  aws.setFaults([{
    op: "createToken",
    kind: "error",
    status: 500,
    errorType: "InternalServerException",
    message: `Cannot handle ${quoted}`,
    count: 100,
  }]);
  const err = await getSsoToken(runtime, profile, { login: "never" }).catch((e) => e);
  assert.ok(err instanceof SsoError, String(err));
  assert.equal(err.code, "SERVICE_ERROR");
  assert.match(err.message, /Cannot handle/);
  assert.deepEqual(findIssuedSecrets(errorText(err), aws.issued), []);
});

Deno.test("an error whose text cannot be rewritten in place is replaced by a clean copy", async (t) => {
  const { withoutSecretsOf } = await import("../../src/aws_error.ts");
  const secret = "aoaSECRETSECRET";
  const input = { accessToken: secret };
  const check = (err: unknown, name: string) => {
    assert.ok(err instanceof Error);
    assert.equal(err.name, name);
    assert.doesNotMatch(errorText(err), new RegExp(secret));
    assert.doesNotMatch(JSON.stringify(Object.getOwnPropertyDescriptors(err)), new RegExp(secret));
  };
  await t.step("a read-only property (as smithy's $responseBodyText)", () => {
    const e = Object.assign(new Error("Bad request"), {
      name: "InvalidRequestException",
      $metadata: { httpStatusCode: 400 },
    });
    Object.defineProperty(e, "$responseBodyText", { value: `{"token":"${secret}"}` });
    const out = withoutSecretsOf(e, input) as Error & { $metadata?: unknown };
    check(out, "InvalidRequestException");
    assert.deepEqual(out.$metadata, { httpStatusCode: 400 });
  });
  await t.step(
    "a message that is no string (the SDK copies the answer's field as it comes)",
    async () => {
      const { portalError } = await import("../../src/portal/portal_errors.ts");
      const e = Object.assign(new Error("x"), {
        name: "InvalidRequestException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        error_description: { detail: [`refresh ${secret}`] },
      });
      (e as { message: unknown }).message = [`Invalid token ${secret}`];
      const out = withoutSecretsOf(e, input) as Error;
      check(out, "InvalidRequestException");
      assert.doesNotMatch(
        JSON.stringify((out as unknown as Record<string, unknown>).message),
        /SECRET/,
      );
      assert.doesNotMatch(portalError(out, "List roles").message, /SECRET/);
    },
  );
  await t.step("a cause that is a string", () => {
    const out = withoutSecretsOf(new Error("x", { cause: `Invalid header: ${secret}` }), input);
    assert.equal((out as Error).cause, "Invalid header: ***");
  });
  await t.step("a frozen error, as the cause of another", () => {
    const inner = Object.freeze(new Error(`token ${secret}`));
    const outer = new Error("Call failed", { cause: inner });
    const out = withoutSecretsOf(outer, input) as Error;
    check(out, "Error");
    assert.match(String((out.cause as Error).message), /token \*\*\*/);
  });
});
