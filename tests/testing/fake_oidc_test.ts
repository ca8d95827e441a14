import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  AccessDeniedException,
  AuthorizationPendingException,
  CreateTokenCommand,
  type CreateTokenCommandInput,
  ExpiredTokenException,
  InvalidClientException,
  InvalidGrantException,
  InvalidRequestException,
  RegisterClientCommand,
  type RegisterClientCommandInput,
  SlowDownException,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
  UnauthorizedClientException,
} from "@aws-sdk/client-sso-oidc";
import { type FakeAws, type FakeAwsOptions, startFakeAws } from "../../testing/mod.ts";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

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

/**
 * A fake plus a real OIDC client pointed at it. Device codes may be polled back to back unless
 * the options give an interval.
 */
async function setup(options: FakeAwsOptions = {}): Promise<
  { aws: FakeAws; oidc: SSOOIDCClient } & AsyncDisposable
> {
  const aws = await startFakeAws({ devicePollIntervalSeconds: 0, ...options });
  const oidc = new SSOOIDCClient({ endpoint: aws.url, region: "us-east-1", maxAttempts: 1 });
  return {
    aws,
    oidc,
    async [Symbol.asyncDispose]() {
      oidc.destroy();
      await aws.close();
    },
  };
}

/** RegisterClient as the CLI's device flow does for an sso-session. */
function register(oidc: SSOOIDCClient, extra: Partial<RegisterClientCommandInput> = {}) {
  return oidc.send(
    new RegisterClientCommand({
      clientName: "botocore-client-my-sso",
      clientType: "public",
      scopes: ["sso:account:access"],
      ...extra,
    }),
  );
}

/** A registered client and a device authorization. */
async function deviceLogin(t: { aws: FakeAws; oidc: SSOOIDCClient }) {
  const client = await register(t.oidc);
  const device = await t.oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      startUrl: t.aws.startUrl,
    }),
  );
  const poll = (extra: Partial<CreateTokenCommandInput> = {}) =>
    t.oidc.send(
      new CreateTokenCommand({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        grantType: DEVICE_GRANT,
        deviceCode: device.deviceCode,
        ...extra,
      }),
    );
  return { client, device, poll };
}

Deno.test("RegisterClient returns a client that expires in about 90 days, in epoch seconds", async () => {
  await using t = await setup();
  const before = Math.floor(Date.now() / 1000);
  const out = await register(t.oidc, {
    grantTypes: ["authorization_code", "refresh_token"],
    redirectUris: ["http://127.0.0.1/oauth/callback"],
    issuerUrl: t.aws.startUrl,
  });
  assert.match(out.clientId ?? "", /^[\w-]{10,}$/);
  assert.ok((out.clientSecret ?? "").length > 40);
  assert.ok(Math.abs((out.clientIdIssuedAt ?? 0) - before) <= 2);
  assert.ok(Math.abs((out.clientSecretExpiresAt ?? 0) - (before + 90 * 86_400)) <= 2);
  assert.deepEqual(t.aws.issued.clientSecrets, [out.clientSecret]);
  const [recorded] = t.aws.clients;
  assert.deepEqual(recorded?.grantTypes, ["authorization_code", "refresh_token"]);
  assert.deepEqual(recorded?.redirectUris, ["http://127.0.0.1/oauth/callback"]);
  assert.deepEqual(recorded?.scopes, ["sso:account:access"]);
  assert.equal(recorded?.issuerUrl, t.aws.startUrl);
  assert.equal(t.aws.counters.registerClient, 1);
});

Deno.test("RegisterClient rejects a client type other than public", async () => {
  await using t = await setup();
  const error = await rejection(register(t.oidc, { clientType: "confidential" }));
  assert.equal(error.name, "InvalidClientMetadataException");
  assert.equal(statusOf(error), 400);
});

Deno.test("StartDeviceAuthorization returns codes, a verification URI with user_code and interval", async () => {
  await using t = await setup({ devicePollIntervalSeconds: 2 });
  const { device } = await deviceLogin(t);
  assert.match(device.userCode ?? "", /^[A-Z]{4}-[A-Z]{4}$/);
  assert.equal(device.verificationUri, `${t.aws.url}/device`);
  assert.equal(device.verificationUriComplete, `${t.aws.url}/device?user_code=${device.userCode}`);
  assert.equal(device.expiresIn, 600);
  assert.equal(device.interval, 2);
  assert.deepEqual(t.aws.issued.deviceCodes, [device.deviceCode]);
});

Deno.test("StartDeviceAuthorization rejects another start URL and a bad client secret", async () => {
  await using t = await setup();
  const client = await register(t.oidc);
  const start = (startUrl: string, clientSecret = client.clientSecret) =>
    t.oidc.send(
      new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret, startUrl }),
    );
  const wrongUrl = await rejection(start("https://d-other.awsapps.com/start"));
  assert.ok(wrongUrl instanceof InvalidRequestException);
  const wrongSecret = await rejection(start(t.aws.startUrl, "nope"));
  assert.ok(wrongSecret instanceof InvalidClientException);
  assert.equal(statusOf(wrongSecret), 401);
});

Deno.test("CreateToken (device code) is pending for one poll, then returns tokens", async () => {
  await using t = await setup();
  const { poll } = await deviceLogin(t);
  const pending = await rejection(poll());
  assert.ok(pending instanceof AuthorizationPendingException);
  assert.equal(pending.error, "authorization_pending");
  assert.equal(statusOf(pending), 400);
  const token = await poll();
  assert.equal(token.tokenType, "Bearer");
  assert.equal(token.expiresIn, 28_800);
  assert.deepEqual(t.aws.issued.accessTokens, [token.accessToken]);
  assert.deepEqual(t.aws.issued.refreshTokens, [token.refreshToken]);
  assert.equal(t.aws.counters.createToken.device_code, 2);
  const reused = await rejection(poll());
  assert.ok(reused instanceof InvalidGrantException, "a device code is spent once");
});

Deno.test("CreateToken (device code) follows deviceApproveAfterPolls", async (t) => {
  await t.step("0 approves at the first poll", async () => {
    await using f = await setup({ deviceApproveAfterPolls: 0, accessTokenTtlSeconds: 60 });
    const { poll } = await deviceLogin(f);
    assert.equal((await poll()).expiresIn, 60);
  });
  await t.step("3 answers pending three times", async () => {
    await using f = await setup({ deviceApproveAfterPolls: 3 });
    const { poll } = await deviceLogin(f);
    for (let i = 0; i < 3; i++) {
      assert.ok(await rejection(poll()) instanceof AuthorizationPendingException);
    }
    assert.ok((await poll()).accessToken);
  });
  await t.step("null waits for approveDevice()", async () => {
    await using f = await setup({ deviceApproveAfterPolls: null });
    const { poll, device } = await deviceLogin(f);
    for (let i = 0; i < 3; i++) {
      assert.ok(await rejection(poll()) instanceof AuthorizationPendingException);
    }
    assert.equal(f.aws.approveDevice("WRONG-CODE"), 0);
    assert.equal(f.aws.approveDevice(device.userCode), 1);
    assert.ok((await poll()).accessToken);
  });
  await t.step("null waits for a visit of verificationUriComplete", async () => {
    await using f = await setup({ deviceApproveAfterPolls: null });
    const { poll, device } = await deviceLogin(f);
    assert.ok(await rejection(poll()) instanceof AuthorizationPendingException);
    const page = await fetch(device.verificationUriComplete ?? "");
    assert.equal(page.status, 200);
    assert.match(await page.text(), /approved/);
    assert.ok((await poll()).accessToken);
  });
  await t.step("null waits for POST /__fake/approve-device", async () => {
    await using f = await setup({ deviceApproveAfterPolls: null });
    const { poll } = await deviceLogin(f);
    const r = await fetch(`${f.aws.url}/__fake/approve-device`, { method: "POST", body: "{}" });
    assert.deepEqual(await r.json(), { count: 1 });
    assert.ok((await poll()).accessToken);
  });
});

Deno.test("CreateToken (device code) answers access_denied when the user denies", async (t) => {
  await t.step("userDenies", async () => {
    await using f = await setup({ userDenies: true });
    const { poll } = await deviceLogin(f);
    assert.ok(await rejection(poll()) instanceof AuthorizationPendingException);
    const denied = await rejection(poll());
    assert.ok(denied instanceof AccessDeniedException);
    assert.equal(denied.error, "access_denied");
  });
  await t.step("denyDevice()", async () => {
    await using f = await setup({ deviceApproveAfterPolls: null });
    const { poll } = await deviceLogin(f);
    assert.equal(f.aws.denyDevice(), 1);
    assert.ok(await rejection(poll()) instanceof AccessDeniedException);
  });
});

Deno.test("CreateToken (device code) answers expired_token once the device code expires", async () => {
  let clock = Date.parse("2026-11-25T10:00:00Z");
  await using t = await setup({ now: () => clock, deviceApproveAfterPolls: null });
  const { poll } = await deviceLogin(t);
  clock += 599_999;
  assert.ok(await rejection(poll()) instanceof AuthorizationPendingException);
  clock += 1;
  const expired = await rejection(poll());
  assert.ok(expired instanceof ExpiredTokenException);
  assert.equal(expired.error, "expired_token");
});

Deno.test("CreateToken (device code) answers slow_down when injected or when polled too fast", async (t) => {
  await t.step("a slow_down fault", async () => {
    await using f = await setup({ faults: [{ op: "createToken", kind: "slow_down", count: 1 }] });
    const { poll } = await deviceLogin(f);
    const slow = await rejection(poll());
    assert.ok(slow instanceof SlowDownException);
    assert.equal(slow.error, "slow_down");
    assert.equal(f.aws.counters.faults, 1);
    assert.ok(await rejection(poll()) instanceof AuthorizationPendingException);
  });
  await t.step("polled closer than the interval, by default, on the fake's clock", async () => {
    let now = Date.now();
    await using f = await setup({
      devicePollIntervalSeconds: 5,
      deviceApproveAfterPolls: 2,
      now: () => now,
    });
    const { poll } = await deviceLogin(f);
    assert.ok(await rejection(poll()) instanceof AuthorizationPendingException);
    now += 4_999;
    assert.ok(await rejection(poll()) instanceof SlowDownException, "4.999 s after the last");
    // As RFC 8628 §3.5 has it: after slow_down the interval is 5 s longer, for good.
    now += 5_000;
    assert.ok(await rejection(poll()) instanceof SlowDownException, "5 s: 10 s were due");
    now += 15_000;
    assert.ok(await rejection(poll()) instanceof AuthorizationPendingException, "15 s later");
    now += 15_000;
    const token = await poll();
    assert.ok(token.accessToken);
  });
  await t.step("enforcePollInterval: false lets a client poll at will", async () => {
    await using f = await setup({ enforcePollInterval: false, devicePollIntervalSeconds: 5 });
    const { poll } = await deviceLogin(f);
    assert.ok(await rejection(poll()) instanceof AuthorizationPendingException);
    assert.ok((await poll()).accessToken);
  });
});

Deno.test("CreateToken (refresh token) rotates: a spent refresh token gets invalid_grant", async () => {
  await using t = await setup({ deviceApproveAfterPolls: 0 });
  const { client, poll } = await deviceLogin(t);
  const first = await poll();
  const refresh = (refreshToken: string | undefined) =>
    t.oidc.send(
      new CreateTokenCommand({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        grantType: "refresh_token",
        refreshToken,
      }),
    );
  const second = await refresh(first.refreshToken);
  assert.ok(second.accessToken && second.refreshToken);
  assert.notEqual(second.accessToken, first.accessToken);
  assert.notEqual(second.refreshToken, first.refreshToken);
  const reused = await rejection(refresh(first.refreshToken));
  assert.ok(reused instanceof InvalidGrantException);
  assert.equal(reused.error, "invalid_grant");
  assert.equal(statusOf(reused), 400);
  const third = await refresh(second.refreshToken);
  assert.ok(third.refreshToken);
  t.aws.revokeRefreshTokens();
  assert.ok(await rejection(refresh(third.refreshToken)) instanceof InvalidGrantException);
  assert.equal(t.aws.counters.createToken.refresh_token, 4);
});

Deno.test("CreateToken (refresh token) rejects a refresh token of another client", async () => {
  await using t = await setup({ deviceApproveAfterPolls: 0 });
  const { poll } = await deviceLogin(t);
  const { refreshToken } = await poll();
  const other = await register(t.oidc);
  const error = await rejection(t.oidc.send(
    new CreateTokenCommand({
      clientId: other.clientId,
      clientSecret: other.clientSecret,
      grantType: "refresh_token",
      refreshToken,
    }),
  ));
  assert.ok(error instanceof InvalidGrantException);
});

Deno.test("CreateToken gives a refresh token only to scoped clients by default", async (t) => {
  for (
    const [policy, scopes, expected] of [
      [undefined, ["sso:account:access"], true],
      [undefined, undefined, false],
      ["always", undefined, true],
      ["never", ["sso:account:access"], false],
    ] as const
  ) {
    await t.step(`refreshTokens ${policy ?? "(default)"}, scopes ${scopes}`, async () => {
      await using f = await setup({
        deviceApproveAfterPolls: 0,
        ...(policy ? { refreshTokens: policy } : {}),
      });
      const client = await register(f.oidc, { scopes: scopes ? [...scopes] : undefined });
      const device = await f.oidc.send(
        new StartDeviceAuthorizationCommand({
          clientId: client.clientId!,
          clientSecret: client.clientSecret!,
          startUrl: f.aws.startUrl,
        }),
      );
      const token = await f.oidc.send(
        new CreateTokenCommand({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          grantType: DEVICE_GRANT,
          deviceCode: device.deviceCode,
        }),
      );
      assert.equal(token.refreshToken !== undefined, expected);
    });
  }
});

/** PKCE: a 64-character verifier and its S256 challenge (unpadded base64url). */
function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge };
}

/** An auth-code client and the authorize URL the CLI would open. */
async function authCodeLogin(t: { aws: FakeAws; oidc: SSOOIDCClient }) {
  const client = await register(t.oidc, {
    grantTypes: ["authorization_code", "refresh_token"],
    redirectUris: ["http://127.0.0.1/oauth/callback"],
    issuerUrl: t.aws.startUrl,
  });
  const { verifier, challenge } = pkce();
  const redirectUri = "http://127.0.0.1:49152/oauth/callback";
  const state = crypto.randomUUID();
  const authorizeUrl = `${t.aws.url}/authorize?response_type=code&client_id=${client.clientId}` +
    `&redirect_uri=${encodeURIComponent(redirectUri)}&state=${state}` +
    `&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=${challenge}`;
  const exchange = (code: string, extra: Partial<CreateTokenCommandInput> = {}) =>
    t.oidc.send(
      new CreateTokenCommand({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        grantType: "authorization_code",
        code,
        redirectUri,
        codeVerifier: verifier,
        ...extra,
      }),
    );
  return { client, verifier, redirectUri, state, authorizeUrl, exchange };
}

/** Follows `/authorize` like a browser and returns the redirect it gives. */
async function openAuthorize(url: string): Promise<URL> {
  const response = await fetch(url, { redirect: "manual" });
  await response.body?.cancel();
  assert.equal(response.status, 302);
  return new URL(response.headers.get("location") ?? "");
}

Deno.test("GET /authorize redirects with code and state; CreateToken checks PKCE S256", async () => {
  await using t = await setup();
  const login = await authCodeLogin(t);
  const back = await openAuthorize(login.authorizeUrl);
  assert.equal(`${back.origin}${back.pathname}`, "http://127.0.0.1:49152/oauth/callback");
  assert.equal(back.searchParams.get("state"), login.state);
  const code = back.searchParams.get("code") ?? "";
  assert.deepEqual(t.aws.issued.authorizationCodes, [code]);
  const token = await login.exchange(code);
  assert.ok(token.accessToken && token.refreshToken);
  assert.deepEqual(t.aws.issued.codeVerifiers, [login.verifier]);
  assert.equal(t.aws.counters.authorize, 1);
  assert.equal(t.aws.counters.createToken.authorization_code, 1);
  const reused = await rejection(login.exchange(code));
  assert.ok(reused instanceof InvalidGrantException, "an authorization code is spent once");
});

Deno.test("CreateToken (authorization code) rejects a wrong verifier or redirect URI", async (t) => {
  for (
    const [name, extra] of [
      ["wrong verifier", { codeVerifier: pkce().verifier }],
      ["redirect URI without the port", { redirectUri: "http://127.0.0.1/oauth/callback" }],
    ] as const
  ) {
    await t.step(name, async () => {
      await using f = await setup();
      const login = await authCodeLogin(f);
      const code = (await openAuthorize(login.authorizeUrl)).searchParams.get("code") ?? "";
      const error = await rejection(login.exchange(code, extra));
      assert.ok(error instanceof InvalidGrantException);
    });
  }
});

Deno.test("CreateToken (authorization code) answers expired_token for an old code", async () => {
  let clock = Date.now();
  await using t = await setup({ now: () => clock });
  const login = await authCodeLogin(t);
  const code = (await openAuthorize(login.authorizeUrl)).searchParams.get("code") ?? "";
  clock += 300_000;
  assert.ok(await rejection(login.exchange(code)) instanceof ExpiredTokenException);
});

Deno.test("GET /authorize refuses clients and redirect URIs that were not registered", async (t) => {
  await using f = await setup();
  const login = await authCodeLogin(f);
  await t.step("unregistered redirect URI: 400, no redirect", async () => {
    const url = login.authorizeUrl.replace("oauth%2Fcallback", "evil");
    const response = await fetch(url, { redirect: "manual" });
    await response.body?.cancel();
    assert.equal(response.status, 400);
  });
  await t.step("device-flow client: unauthorized_client", async () => {
    const device = await register(f.oidc, { redirectUris: ["http://127.0.0.1/oauth/callback"] });
    const back = await openAuthorize(
      login.authorizeUrl.replace(login.client.clientId ?? "", device.clientId ?? ""),
    );
    assert.equal(back.searchParams.get("error"), "unauthorized_client");
  });
  await t.step("no PKCE: invalid_request", async () => {
    const back = await openAuthorize(
      login.authorizeUrl.replace("code_challenge_method=S256", "code_challenge_method=plain"),
    );
    assert.equal(back.searchParams.get("error"), "invalid_request");
    assert.equal(back.searchParams.get("state"), login.state);
  });
  await t.step("a refresh token that was never issued: invalid_grant", async () => {
    const device = await register(f.oidc);
    const error = await rejection(f.oidc.send(
      new CreateTokenCommand({
        clientId: device.clientId,
        clientSecret: device.clientSecret,
        grantType: "refresh_token",
        refreshToken: "x",
      }),
    ));
    assert.ok(error instanceof InvalidGrantException);
  });
  await t.step("an auth-code client cannot use the device code grant", async () => {
    const error = await rejection(f.oidc.send(
      new CreateTokenCommand({
        clientId: login.client.clientId,
        clientSecret: login.client.clientSecret,
        grantType: DEVICE_GRANT,
        deviceCode: "x",
      }),
    ));
    assert.ok(error instanceof UnauthorizedClientException);
  });
});

Deno.test("GET /authorize redirects with access_denied when the user denies", async () => {
  await using t = await setup({ userDenies: true });
  const login = await authCodeLogin(t);
  const back = await openAuthorize(login.authorizeUrl);
  assert.equal(back.searchParams.get("error"), "access_denied");
  assert.equal(back.searchParams.get("code"), null);
});

Deno.test("CreateToken answers 401 InvalidClientException for an expired registration", async () => {
  let clock = Date.now();
  await using t = await setup({ now: () => clock, deviceApproveAfterPolls: 0 });
  const { poll } = await deviceLogin(t);
  clock += 90 * 86_400_000;
  const error = await rejection(poll());
  assert.ok(error instanceof InvalidClientException);
  assert.equal(error.error, "invalid_client");
  assert.equal(statusOf(error), 401);
});

Deno.test("GET /authorize requires state and scopes, as the AWS CLI sends them (spec §3)", async (t) => {
  await using s = await setup();
  const login = await authCodeLogin(s);
  for (const param of ["state", "scopes"]) {
    await t.step(`without ${param}`, async () => {
      const url = new URL(login.authorizeUrl);
      url.searchParams.delete(param);
      const back = await openAuthorize(url.href);
      assert.equal(back.searchParams.get("error"), "invalid_request");
      assert.equal(back.searchParams.get("code"), null);
    });
  }
});
