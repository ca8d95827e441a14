import assert from "node:assert/strict";
import {
  GetRoleCredentialsCommand,
  InvalidRequestException,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  paginateListAccountRoles,
  paginateListAccounts,
  type RoleInfo,
  SSOClient,
  TooManyRequestsException,
  UnauthorizedException,
} from "@aws-sdk/client-sso";
import { CreateTokenCommand, InvalidGrantException, SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import {
  type FakeAws,
  type FakeAwsOptions,
  generateDirectory,
  startFakeAws,
} from "../../testing/mod.ts";

/** The rejection of a promise that must reject. */
async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error("Expected a rejection");
}

/** The HTTP status of an SDK error. */
function statusOf(error: Record<string, unknown>): number | undefined {
  return (error.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode;
}

/** A fake, a real portal client pointed at it and a live access token. */
async function setup(options: FakeAwsOptions = {}): Promise<
  { aws: FakeAws; sso: SSOClient; accessToken: string } & AsyncDisposable
> {
  const aws = await startFakeAws(options);
  const sso = new SSOClient({ endpoint: aws.url, region: "us-east-1", maxAttempts: 1 });
  return {
    aws,
    sso,
    accessToken: aws.issueTokens().accessToken,
    async [Symbol.asyncDispose]() {
      sso.destroy();
      await aws.close();
    },
  };
}

Deno.test("GetRoleCredentials returns ASIA credentials expiring in 1 h, in epoch milliseconds", async () => {
  await using t = await setup();
  const before = Date.now();
  const { roleCredentials: rc } = await t.sso.send(
    new GetRoleCredentialsCommand({
      accessToken: t.accessToken,
      accountId: "222222222222",
      roleName: "Developer",
    }),
  );
  assert.match(rc?.accessKeyId ?? "", /^ASIA[A-Z2-7]{16}$/);
  assert.equal(rc?.secretAccessKey?.length, 40);
  assert.ok((rc?.sessionToken?.length ?? 0) > 300);
  assert.ok(Math.abs((rc?.expiration ?? 0) - (before + 3_600_000)) < 2_000);
  assert.deepEqual(t.aws.issued.secretAccessKeys, [rc?.secretAccessKey]);
  assert.deepEqual(t.aws.issued.sessionTokens, [rc?.sessionToken]);
  assert.equal(t.aws.counters.getRoleCredentials, 1);
});

Deno.test("GetRoleCredentials answers 403 ForbiddenException for a role not granted", async (t) => {
  await using f = await setup();
  for (
    const [accountId, roleName] of [["333333333333", "AdministratorAccess"], [
      "999999999999",
      "ReadOnly",
    ]]
  ) {
    await t.step(`${accountId} ${roleName}`, async () => {
      const error = await rejection(
        f.sso.send(
          new GetRoleCredentialsCommand({ accessToken: f.accessToken, accountId, roleName }),
        ),
      );
      assert.equal(error.name, "ForbiddenException");
      assert.equal(error.message, "No access");
      assert.equal(statusOf(error), 403);
    });
  }
});

Deno.test("the portal answers 401 UnauthorizedException for a missing, unknown or expired token", async (t) => {
  let clock = Date.now();
  await using f = await setup({ now: () => clock, accessTokenTtlSeconds: 3600 });
  const list = (accessToken: string) => f.sso.send(new ListAccountsCommand({ accessToken }));
  await t.step("unknown token", async () => {
    const error = await rejection(list("aoa-not-issued"));
    assert.ok(error instanceof UnauthorizedException);
    assert.equal(statusOf(error), 401);
    assert.equal(error.message, "Session token not found or invalid");
  });
  await t.step("no header at all", async () => {
    const response = await fetch(`${f.aws.url}/assignment/accounts`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get("x-amzn-errortype"), "UnauthorizedException");
    assert.deepEqual(await response.json(), {
      __type: "UnauthorizedException",
      message: "Session token not found or invalid",
    });
  });
  await t.step("just before and at the token's expiry", async () => {
    clock += 3_599_999;
    await list(f.accessToken);
    clock += 1;
    assert.ok(await rejection(list(f.accessToken)) instanceof UnauthorizedException);
  });
  await t.step("expireAccessTokens()", async () => {
    const { accessToken } = f.aws.issueTokens();
    await list(accessToken);
    f.aws.expireAccessTokens();
    assert.ok(await rejection(list(accessToken)) instanceof UnauthorizedException);
    const fresh = f.aws.issueTokens().accessToken;
    await list(fresh);
  });
});

Deno.test("ListAccounts pages through 1,000 accounts with the SDK paginator", async () => {
  await using t = await setup({ directory: generateDirectory(1000, 3) });
  const ids: string[] = [];
  for await (
    const page of paginateListAccounts({ client: t.sso, pageSize: 100 }, {
      accessToken: t.accessToken,
    })
  ) {
    ids.push(...(page.accountList ?? []).map((a) => a.accountId ?? ""));
  }
  assert.equal(ids.length, 1000);
  assert.equal(new Set(ids).size, 1000);
  assert.equal(t.aws.counters.listAccounts, 10);
});

Deno.test("ListAccounts uses 20 per page without max_result and omits nextToken on the last page", async () => {
  await using t = await setup({ directory: generateDirectory(45, 1) });
  const first = await t.sso.send(new ListAccountsCommand({ accessToken: t.accessToken }));
  assert.equal(first.accountList?.length, 20);
  assert.deepEqual(first.accountList?.[0], {
    accountId: "100000000000",
    accountName: "account-0001",
    emailAddress: "aws-0001@example.com",
  });
  const second = await t.sso.send(
    new ListAccountsCommand({ accessToken: t.accessToken, nextToken: first.nextToken }),
  );
  const third = await t.sso.send(
    new ListAccountsCommand({ accessToken: t.accessToken, nextToken: second.nextToken }),
  );
  assert.equal(third.accountList?.length, 5);
  assert.equal(third.nextToken, undefined);
  const raw = await fetch(`${t.aws.url}/assignment/accounts?max_result=45`, {
    headers: { "x-amz-sso_bearer_token": t.accessToken },
  });
  assert.equal("nextToken" in await raw.json(), false);
});

Deno.test("ListAccounts rejects max_result outside 1–100 and a forged nextToken", async (t) => {
  await using f = await setup();
  for (const max of ["0", "101", "-1", "abc", "1.5"]) {
    await t.step(`max_result=${max}`, async () => {
      const response = await fetch(`${f.aws.url}/assignment/accounts?max_result=${max}`, {
        headers: { "x-amz-sso_bearer_token": f.accessToken },
      });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get("x-amzn-errortype"), "InvalidRequestException");
      await response.body?.cancel();
    });
  }
  await t.step("maxResults 101 through the SDK", async () => {
    const error = await rejection(
      f.sso.send(new ListAccountsCommand({ accessToken: f.accessToken, maxResults: 101 })),
    );
    assert.ok(error instanceof InvalidRequestException);
  });
  await t.step("a nextToken of another listing", async () => {
    const roles = await f.sso.send(
      new ListAccountRolesCommand({
        accessToken: f.accessToken,
        accountId: "222222222222",
        maxResults: 1,
      }),
    );
    const error = await rejection(
      f.sso.send(
        new ListAccountsCommand({ accessToken: f.accessToken, nextToken: roles.nextToken }),
      ),
    );
    assert.ok(error instanceof InvalidRequestException);
  });
});

Deno.test("ListAccountRoles pages through the roles of an account", async () => {
  await using t = await setup({ directory: generateDirectory(2, 12) });
  const roles: RoleInfo[] = [];
  for await (
    const page of paginateListAccountRoles({ client: t.sso, pageSize: 5 }, {
      accessToken: t.accessToken,
      accountId: "100000000001",
    })
  ) {
    roles.push(...(page.roleList ?? []));
  }
  assert.equal(roles.length, 12);
  assert.deepEqual(roles[0], { roleName: "AdministratorAccess", accountId: "100000000001" });
  assert.equal(roles[11]?.roleName, "Role12");
  assert.equal(t.aws.counters.listAccountRoles, 3);
});

Deno.test("ListAccountRoles answers 403 ForbiddenException for an account not assigned", async () => {
  await using t = await setup();
  const error = await rejection(
    t.sso.send(
      new ListAccountRolesCommand({ accessToken: t.accessToken, accountId: "999999999999" }),
    ),
  );
  assert.equal(error.name, "ForbiddenException");
  assert.equal(statusOf(error), 403);
});

Deno.test("Logout ends the session: its access and refresh tokens stop working", async () => {
  await using t = await setup();
  const login = t.aws.issueTokens();
  await t.sso.send(new LogoutCommand({ accessToken: login.accessToken }));
  assert.equal(t.aws.counters.logout, 1);
  const error = await rejection(
    t.sso.send(new ListAccountsCommand({ accessToken: login.accessToken })),
  );
  assert.ok(error instanceof UnauthorizedException);
  await t.sso.send(new ListAccountsCommand({ accessToken: t.accessToken }));
  const oidc = new SSOOIDCClient({ endpoint: t.aws.url, region: "us-east-1", maxAttempts: 1 });
  try {
    const refresh = await rejection(oidc.send(
      new CreateTokenCommand({
        clientId: login.clientId,
        clientSecret: login.clientSecret,
        grantType: "refresh_token",
        refreshToken: login.refreshToken,
      }),
    ));
    assert.ok(refresh instanceof InvalidGrantException);
  } finally {
    oidc.destroy();
  }
});

Deno.test("the portal rate-limits an operation with a token bucket: 429 TooManyRequestsException", async () => {
  await using t = await setup({ rateLimit: { listAccountRoles: 1 } });
  const call = () =>
    t.sso.send(
      new ListAccountRolesCommand({ accessToken: t.accessToken, accountId: "111111111111" }),
    );
  const results = await Promise.allSettled(Array.from({ length: 4 }, call));
  const rejected = results.filter((r) => r.status === "rejected");
  assert.equal(results.length - rejected.length, 1);
  for (const r of rejected) {
    const error = (r as PromiseRejectedResult).reason as Record<string, unknown>;
    assert.ok(error instanceof TooManyRequestsException);
    assert.equal(statusOf(error), 429);
  }
  assert.equal(t.aws.counters.throttled, 3);
  assert.equal(t.aws.counters.listAccountRoles, 4);
  // Other operations have their own bucket (none here).
  await t.sso.send(new ListAccountsCommand({ accessToken: t.accessToken }));
});

Deno.test("throttleRatio throttles the same requests for the same seed", async () => {
  const run = async (seed: number) => {
    await using t = await setup({ throttleRatio: 0.5, seed });
    const outcome: boolean[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await fetch(`${t.aws.url}/assignment/accounts`, {
        headers: { "x-amz-sso_bearer_token": t.accessToken },
      });
      await response.body?.cancel();
      outcome.push(response.status === 429);
    }
    assert.equal(t.aws.counters.throttled, outcome.filter((x) => x).length);
    return outcome;
  };
  const a = await run(7);
  assert.deepEqual(await run(7), a);
  assert.notDeepEqual(await run(8), a);
  const share = a.filter((x) => x).length / a.length;
  assert.ok(share > 0.2 && share < 0.8, `throttled share ${share}`);
});

Deno.test("latencyMs delays every service response", async () => {
  await using t = await setup({ latencyMs: 150 });
  const started = performance.now();
  await t.sso.send(new ListAccountsCommand({ accessToken: t.accessToken }));
  assert.ok(performance.now() - started >= 140);
});
