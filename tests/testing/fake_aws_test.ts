import assert from "node:assert/strict";
import {
  DEFAULT_START_URL,
  findIssuedSecrets,
  type IssuedSecrets,
  startFakeAws,
} from "../../testing/mod.ts";

/** POSTs JSON to an admin route and returns the parsed answer. */
async function post(url: string, body: unknown = {}): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, { method: "POST", body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

Deno.test("startFakeAws() listens on 127.0.0.1 and gives the endpoint variables", async () => {
  await using aws = await startFakeAws();
  assert.match(aws.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(aws.env, {
    AWS_ENDPOINT_URL_SSO: aws.url,
    AWS_ENDPOINT_URL_SSO_OIDC: aws.url,
    AWS_ENDPOINT_URL_STS: aws.url,
  });
  assert.equal(aws.startUrl, DEFAULT_START_URL);
  assert.equal(aws.startUrl, "https://d-fake000000.awsapps.com/start");
  assert.equal(aws.region, "us-east-1");
  assert.equal(aws.directory.accounts.length, 3);
});

Deno.test("startFakeAws() takes its start URL, region and directory from the options", async () => {
  await using aws = await startFakeAws({
    startUrl: "https://d-123.awsapps.com/start",
    region: "eu-west-1",
    directory: { userName: "bob@example.com", accounts: [] },
  });
  assert.equal(aws.startUrl, "https://d-123.awsapps.com/start");
  assert.equal(aws.region, "eu-west-1");
  assert.equal(aws.directory.userName, "bob@example.com");
});

Deno.test("startFakeAws() rejects out-of-range options", async (t) => {
  for (
    const options of [
      { throttleRatio: 1.5 },
      { latencyMs: -1 },
      { defaultPageSize: 0 },
      { defaultPageSize: 101 },
      { rateLimit: { nope: 1 } as Record<string, number> },
      { accessTokenTtlSeconds: Number.NaN },
    ]
  ) {
    await t.step(JSON.stringify(options), async () => {
      await assert.rejects(() => startFakeAws(options), TypeError);
    });
  }
});

Deno.test("an unknown route answers 404 and counts nothing", async () => {
  await using aws = await startFakeAws();
  const response = await fetch(`${aws.url}/nope`);
  assert.equal(response.status, 404);
  assert.equal(response.headers.get("x-amzn-errortype"), "UnknownOperationException");
  await response.body?.cancel();
  const counters = aws.counters;
  assert.equal(counters.listAccounts + counters.getCallerIdentity + counters.registerClient, 0);
});

Deno.test("counters and issued are snapshots; resetCounters() zeroes the counters", async () => {
  await using aws = await startFakeAws();
  const { accessToken } = aws.issueTokens();
  const before = aws.counters;
  const response = await fetch(`${aws.url}/assignment/accounts`, {
    headers: { "x-amz-sso_bearer_token": accessToken },
  });
  await response.body?.cancel();
  assert.equal(before.listAccounts, 0);
  assert.equal(aws.counters.listAccounts, 1);
  const issued = aws.issued;
  issued.accessTokens.length = 0;
  assert.equal(aws.issued.accessTokens.length, 1);
  aws.resetCounters();
  assert.equal(aws.counters.listAccounts, 0);
});

Deno.test("issueTokens() registers a client and starts a session without counting requests", async () => {
  await using aws = await startFakeAws({ accessTokenTtlSeconds: 120 });
  const login = aws.issueTokens();
  assert.equal(login.expiresIn, 120);
  assert.ok(login.refreshToken);
  assert.ok(Math.abs(login.clientSecretExpiresAt - (Date.now() / 1000 + 90 * 86_400)) < 5);
  assert.equal(aws.counters.registerClient, 0);
  assert.deepEqual(aws.clients.map((c) => c.scopes), [["sso:account:access"]]);
  const unscoped = aws.issueTokens({ scopes: [] });
  assert.equal(unscoped.refreshToken, undefined);
});

Deno.test("the admin routes read counters, issued secrets and clients and steer the fake", async (t) => {
  await using aws = await startFakeAws();
  const admin = `${aws.url}/__fake`;
  let accessToken = "";
  await t.step("POST /issue-tokens", async () => {
    const { status, json } = await post(`${admin}/issue-tokens`, {
      scopes: ["sso:account:access"],
    });
    assert.equal(status, 200);
    accessToken = (json as { accessToken: string }).accessToken;
    assert.ok(accessToken.startsWith("aoa"));
  });
  const list = () =>
    fetch(`${aws.url}/assignment/accounts`, {
      headers: { "x-amz-sso_bearer_token": accessToken },
    }).then(async (r) => {
      await r.body?.cancel();
      return r.status;
    });
  await t.step("GET /counters", async () => {
    assert.equal(await list(), 200);
    const counters = await (await fetch(`${admin}/counters`)).json();
    assert.equal(counters.listAccounts, 1);
    assert.deepEqual(counters.createToken, {
      device_code: 0,
      refresh_token: 0,
      authorization_code: 0,
    });
  });
  await t.step("GET /issued", async () => {
    const issued: IssuedSecrets = await (await fetch(`${admin}/issued`)).json();
    assert.deepEqual(issued.accessTokens, [accessToken]);
    assert.equal(findIssuedSecrets(`x ${accessToken} y`, issued).length, 1);
  });
  await t.step("GET /clients", async () => {
    const clients = await (await fetch(`${admin}/clients`)).json();
    assert.equal(clients.length, 1);
    assert.equal("clientSecret" in clients[0], false);
  });
  await t.step("POST /faults", async () => {
    assert.equal(
      (await post(`${admin}/faults`, [{ op: "listAccounts", kind: "internal" }])).status,
      200,
    );
    assert.equal(await list(), 500);
    assert.equal(
      (await post(`${admin}/faults`, { rules: [{ op: "listAccounts", kind: "unavailable" }] }))
        .status,
      200,
    );
    assert.equal(await list(), 503);
    const bad = await post(`${admin}/faults`, [{ op: "listAccounts", kind: "explode" }]);
    assert.equal(bad.status, 400);
    assert.match((bad.json as { message: string }).message, /unknown kind/);
  });
  await t.step("POST /reset-counters", async () => {
    const { json } = await post(`${admin}/reset-counters`);
    assert.equal((json as { listAccounts: number }).listAccounts, 0);
    assert.equal(aws.counters.faults, 0);
  });
  await t.step("POST /expire-access-tokens", async () => {
    await post(`${admin}/expire-access-tokens`);
    assert.equal(await list(), 401);
  });
  await t.step("POST /revoke-refresh-tokens and /expire-role-credentials answer 200", async () => {
    assert.equal((await post(`${admin}/revoke-refresh-tokens`)).status, 200);
    assert.equal((await post(`${admin}/expire-role-credentials`)).status, 200);
  });
  await t.step("POST /approve-device and /deny-device count pending devices", async () => {
    assert.deepEqual((await post(`${admin}/approve-device`, { userCode: "ABCD-EFGH" })).json, {
      count: 0,
    });
    assert.deepEqual((await post(`${admin}/deny-device`)).json, { count: 0 });
  });
  await t.step("an unknown admin route answers 404", async () => {
    assert.equal((await post(`${admin}/nope`)).status, 404);
  });
});
