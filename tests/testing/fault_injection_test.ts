import assert from "node:assert/strict";
import { ListAccountsCommand, SSOClient } from "@aws-sdk/client-sso";
import { RegisterClientCommand, SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import { type FaultRule, startFakeAws } from "../../testing/mod.ts";

/** GET /assignment/accounts with a live token. */
function listAccounts(url: string, accessToken: string): Promise<Response> {
  return fetch(`${url}/assignment/accounts`, {
    headers: { "x-amz-sso_bearer_token": accessToken },
  });
}

Deno.test("fault rules answer AWS-shaped errors by kind", async (t) => {
  const cases: [FaultRule, number, string][] = [
    [{ op: "listAccounts", kind: "internal" }, 500, "InternalServerException"],
    [{ op: "listAccounts", kind: "unavailable" }, 503, "ServiceUnavailableException"],
    [{ op: "listAccounts", kind: "throttle" }, 429, "TooManyRequestsException"],
    [
      { op: "*", kind: "error", status: 401, errorType: "UnauthorizedException", message: "m" },
      401,
      "UnauthorizedException",
    ],
  ];
  for (const [rule, status, type] of cases) {
    await t.step(`${rule.kind} → ${status} ${type}`, async () => {
      await using aws = await startFakeAws({ faults: [rule] });
      const { accessToken } = aws.issueTokens();
      const response = await listAccounts(aws.url, accessToken);
      assert.equal(response.status, status);
      assert.equal(response.headers.get("x-amzn-errortype"), type);
      assert.equal((await response.json()).__type, type);
      assert.equal(aws.counters.faults, 1);
      assert.equal(aws.counters.throttled, rule.kind === "throttle" ? 1 : 0);
      const next = await listAccounts(aws.url, accessToken);
      await next.body?.cancel();
      assert.equal(next.status, 200, "a rule without count or ratio fires once");
    });
  }
});

Deno.test("an OIDC fault is shaped like an OIDC error", async () => {
  await using aws = await startFakeAws({ faults: [{ op: "registerClient", kind: "internal" }] });
  const oidc = new SSOOIDCClient({ endpoint: aws.url, region: "us-east-1", maxAttempts: 1 });
  try {
    const error = await oidc.send(
      new RegisterClientCommand({ clientName: "x", clientType: "public" }),
    ).then(() => undefined, (e: Error & { error?: string }) => e);
    assert.equal(error?.name, "InternalServerException");
    assert.equal(error?.error, "server_error");
  } finally {
    oidc.destroy();
  }
});

Deno.test("a count, skip or ratio limits when a fault rule fires", async (t) => {
  await t.step("count 2, skip 1", async () => {
    await using aws = await startFakeAws({
      faults: [{ op: "listAccounts", kind: "internal", count: 2, skip: 1 }],
    });
    const { accessToken } = aws.issueTokens();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await listAccounts(aws.url, accessToken);
      await response.body?.cancel();
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [200, 500, 500, 200, 200]);
    assert.equal(aws.counters.faults, 2);
  });
  await t.step("ratio 1 fires every time; op filters", async () => {
    await using aws = await startFakeAws({
      faults: [{ op: "listAccountRoles", kind: "throttle", ratio: 1 }],
    });
    const { accessToken } = aws.issueTokens();
    for (let i = 0; i < 3; i++) {
      const roles = await fetch(`${aws.url}/assignment/roles?account_id=111111111111`, {
        headers: { "x-amz-sso_bearer_token": accessToken },
      });
      await roles.body?.cancel();
      assert.equal(roles.status, 429);
    }
    const accounts = await listAccounts(aws.url, accessToken);
    await accounts.body?.cancel();
    assert.equal(accounts.status, 200);
    assert.equal(aws.counters.throttled, 3);
  });
});

Deno.test("a delay fault holds the response, then serves it", async () => {
  await using aws = await startFakeAws({
    faults: [{ op: "listAccounts", kind: "delay", delayMs: 200 }],
  });
  const { accessToken } = aws.issueTokens();
  const started = performance.now();
  const response = await listAccounts(aws.url, accessToken);
  assert.equal(response.status, 200);
  assert.equal((await response.json()).accountList.length, 3);
  assert.ok(performance.now() - started >= 190);
});

Deno.test("a long delay lets a client time out, and close() does not wait for it", async () => {
  const aws = await startFakeAws({
    faults: [{ op: "listAccounts", kind: "delay", delayMs: 60_000 }],
  });
  const { accessToken } = aws.issueTokens();
  const error = await fetch(`${aws.url}/assignment/accounts`, {
    headers: { "x-amz-sso_bearer_token": accessToken },
    signal: AbortSignal.timeout(100),
  }).then(() => undefined, (e: Error) => e);
  assert.equal(error?.name, "TimeoutError");
  const started = performance.now();
  await aws.close();
  await aws.close();
  assert.ok(performance.now() - started < 5_000);
});

Deno.test("a reset fault drops the connection in the middle of the body", async () => {
  await using aws = await startFakeAws({ faults: [{ op: "listAccounts", kind: "reset" }] });
  const { accessToken } = aws.issueTokens();
  const response = await listAccounts(aws.url, accessToken);
  await assert.rejects(response.text());
  const sso = new SSOClient({ endpoint: aws.url, region: "us-east-1", maxAttempts: 1 });
  try {
    aws.setFaults([{ op: "listAccounts", kind: "reset" }]);
    await assert.rejects(sso.send(new ListAccountsCommand({ accessToken })));
    assert.equal(aws.counters.faults, 2);
    assert.equal(aws.counters.listAccounts, 2);
  } finally {
    sso.destroy();
  }
});

Deno.test("truncate and malformed faults send bodies that are not JSON", async (t) => {
  for (const kind of ["truncate", "malformed"] as const) {
    await t.step(kind, async () => {
      await using aws = await startFakeAws({ faults: [{ op: "listAccounts", kind }] });
      const { accessToken } = aws.issueTokens();
      const response = await listAccounts(aws.url, accessToken);
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.throws(() => JSON.parse(text));
      const sso = new SSOClient({ endpoint: aws.url, region: "us-east-1", maxAttempts: 1 });
      try {
        aws.setFaults([{ op: "listAccounts", kind }]);
        await assert.rejects(sso.send(new ListAccountsCommand({ accessToken })));
      } finally {
        sso.destroy();
      }
    });
  }
});

Deno.test("a lost response still takes effect: a refresh token is spent even if the reply is truncated", async () => {
  await using aws = await startFakeAws({ faults: [{ op: "createToken", kind: "truncate" }] });
  const login = aws.issueTokens();
  const refresh = () =>
    fetch(`${aws.url}/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        clientId: login.clientId,
        clientSecret: login.clientSecret,
        grantType: "refresh_token",
        refreshToken: login.refreshToken,
      }),
    });
  const lost = await (await refresh()).text();
  assert.throws(() => JSON.parse(lost));
  const again = await refresh();
  assert.equal(again.status, 400);
  assert.equal((await again.json()).error, "invalid_grant");
  assert.equal(aws.issued.refreshTokens.length, 2);
});

Deno.test("setFaults() rejects malformed rules", async () => {
  await using aws = await startFakeAws();
  const bad: unknown[] = [
    [{ op: "nope", kind: "internal" }],
    [{ op: "listAccounts", kind: "explode" }],
    [{ op: "listAccounts", kind: "internal", ratio: 2 }],
    [{ op: "listAccounts", kind: "internal", count: -1 }],
    [null],
    { op: "listAccounts", kind: "internal" },
  ];
  for (const rules of bad) {
    assert.throws(() => aws.setFaults(rules as FaultRule[]), TypeError);
  }
});

Deno.test("the fake throttles SSO-OIDC as SSO-OIDC does: 400 SlowDownException, slow_down", async () => {
  await using aws = await startFakeAws({ faults: [{ op: "registerClient", kind: "throttle" }] });
  const res = await fetch(`${aws.url}/client/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientName: "x", clientType: "public" }),
  });
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("x-amzn-errortype"), "SlowDownException");
  assert.equal((await res.json()).error, "slow_down");
});
