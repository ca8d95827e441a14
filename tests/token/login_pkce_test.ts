import assert from "node:assert/strict";
import { SsoError } from "../../src/errors.ts";
import type { Runtime } from "../../src/runtime.ts";
import { getSsoToken } from "../../src/token/get_sso_token.ts";
import { login } from "../../src/token/login_command.ts";
import { codeChallenge, codeVerifier } from "../../src/token/login_pkce.ts";
import { FAKE_BROWSER } from "../e2e/_cli.ts";
import { assertNoSecrets, corpProfile, errorText, rejection, sha1, tokenEnv } from "./_fixtures.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

Deno.test("codeVerifier() and codeChallenge() follow RFC 7636 S256 as the AWS CLI does", async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const v = codeVerifier();
    assert.match(v, /^[A-Za-z0-9\-._~]{64}$/);
    seen.add(v);
  }
  assert.equal(seen.size, 50);
  // RFC 7636 appendix B.
  assert.equal(
    await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

Deno.test("login() runs PKCE with the AWS CLI's authorize URL, through a browser", async () => {
  await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER } });
  const profile = corpProfile(env.aws.startUrl);
  const token = await login(env.rt, profile);

  // The browser was given the authorize URL, once.
  assert.equal(env.spawned.length, 1);
  assert.equal(env.spawned[0]!.command, FAKE_BROWSER);
  const raw = env.spawned[0]!.args.at(-1)!;
  const url = new URL(raw);
  assert.equal(`${url.origin}${url.pathname}`, `${env.aws.url}/authorize`);
  assert.deepEqual([...url.searchParams.keys()], [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "code_challenge_method",
    "scopes",
    "code_challenge",
  ]);
  const q = url.searchParams;
  assert.equal(q.get("response_type"), "code");
  assert.equal(q.get("code_challenge_method"), "S256");
  assert.equal(q.get("scopes"), "sso:account:access");
  assert.equal(q.get("scope"), null, "the parameter is scopes, plural");
  assert.match(q.get("state")!, UUID);
  assert.match(q.get("code_challenge")!, /^[A-Za-z0-9_-]{43}$/);
  const redirect = new URL(q.get("redirect_uri")!);
  assert.equal(redirect.protocol, "http:");
  assert.equal(redirect.hostname, "127.0.0.1");
  assert.match(redirect.port, /^\d+$/);
  assert.equal(redirect.pathname, "/oauth/callback");
  assert.ok(
    raw.includes(
      `redirect_uri=http%3A%2F%2F127.0.0.1%3A${redirect.port}%2Foauth%2Fcallback&`,
    ),
    "redirect_uri percent-encoded as the AWS CLI does",
  );

  // The registration the flow made, and the verifier that matches the challenge.
  const [client] = env.aws.clients;
  assert.equal(env.aws.clients.length, 1);
  assert.equal(q.get("client_id"), client!.clientId);
  assert.deepEqual(client!.grantTypes, ["authorization_code", "refresh_token"]);
  assert.deepEqual(client!.redirectUris, ["http://127.0.0.1/oauth/callback"]);
  assert.equal(client!.issuerUrl, profile.startUrl);
  assert.deepEqual(client!.scopes, ["sso:account:access"]);
  assert.equal(client!.clientType, "public");
  const [verifier] = env.aws.issued.codeVerifiers;
  assert.equal(await codeChallenge(verifier!), q.get("code_challenge"));

  // One exchange, whose redirectUri (with the port) the fake checked against the authorize one.
  const c = env.aws.counters;
  assert.equal(c.authorize, 1);
  assert.equal(c.createToken.authorization_code, 1);
  assert.equal(token.accessToken, env.aws.issued.accessTokens[0]);
  assert.equal(token.refreshToken, env.aws.issued.refreshTokens[0]);
  assert.equal(token.clientId, client!.clientId);

  // The URL goes to stderr, never stdout; no secret goes anywhere.
  assert.equal(env.rt.out(), "");
  assert.ok(env.rt.err().includes(raw));
  assert.match(env.rt.err(), /--use-device-code/);
  assertNoSecrets(env.aws, [env.rt.err()]);

  // The registration is cached as the AWS CLI caches it.
  const regKey = await sha1(
    `{"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "corp", ` +
      `"startUrl": "${profile.startUrl}", "tool": "botocore"}`,
  );
  const reg = JSON.parse(await Deno.readTextFile(`${env.cacheDir}/${regKey}.json`));
  assert.deepEqual(Object.keys(reg), [
    "clientId",
    "clientSecret",
    "expiresAt",
    "scopes",
    "grantTypes",
  ]);
  assert.deepEqual(reg.grantTypes, ["authorization_code", "refresh_token"]);
});

/** A "browser" written in the test: gets the redirect the fake answers and hands it to `visit`. */
function scriptedBrowser(
  visit: (callback: URL) => Promise<void>,
): Runtime["spawn"] {
  return async (_command, args) => {
    const res = await fetch(args.at(-1)!, { redirect: "manual" });
    await res.body?.cancel();
    assert.equal(res.status, 302);
    await visit(new URL(res.headers.get("location")!));
    return 0;
  };
}

async function get(url: URL | string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

Deno.test("the PKCE redirect server answers 404 to a wrong state or path and keeps waiting", async () => {
  const answers: Record<string, number> = {};
  await using env = await tokenEnv({
    env: { BROWSER: "scripted-browser" },
    spawn: scriptedBrowser(async (callback) => {
      const forged = new URL(callback);
      forged.searchParams.set("state", crypto.randomUUID());
      answers["forged state"] = (await get(forged)).status;
      const noState = new URL(callback);
      noState.searchParams.delete("state");
      answers["no state"] = (await get(noState)).status;
      const otherPath = new URL(callback);
      otherPath.pathname = "/favicon.ico";
      answers["other path"] = (await get(otherPath)).status;
      const error = new URL(forged);
      error.searchParams.delete("code");
      error.searchParams.set("error", "access_denied");
      answers["error with a forged state"] = (await get(error)).status;
    }),
  });
  const profile = corpProfile(env.aws.startUrl);
  const err = await rejection(() => login(env.rt, profile, { timeoutMs: 300 }));
  assert.deepEqual(answers, {
    "forged state": 404,
    "no state": 404,
    "other path": 404,
    "error with a forged state": 404,
  });
  assert.ok(err instanceof SsoError && err.code === "LOGIN_TIMEOUT", errorText(err));
  assert.equal(env.aws.counters.createToken.authorization_code, 0, "the code was not exchanged");
  assert.equal(await Deno.stat(await env.tokenPath(profile)).catch(() => null), null);
  assertNoSecrets(env.aws, [env.rt.err(), errorText(err)]);
});

Deno.test("the PKCE redirect server listens on 127.0.0.1 only, and is closed afterwards", async () => {
  let port = 0;
  const reached: Record<string, boolean> = {};
  const tryConnect = async (hostname: string) => {
    try {
      const conn = await Deno.connect({ hostname, port });
      conn.close();
      return true;
    } catch {
      return false;
    }
  };
  await using env = await tokenEnv({
    env: { BROWSER: "scripted-browser" },
    spawn: scriptedBrowser(async (callback) => {
      port = Number(callback.port);
      reached["127.0.0.1"] = await tryConnect("127.0.0.1");
      reached["127.0.0.2"] = await tryConnect("127.0.0.2");
      reached["::1"] = await tryConnect("::1");
      for (const { address, family } of Deno.networkInterfaces()) {
        if (family === "IPv4" && !address.startsWith("127.")) {
          reached[address] = await tryConnect(address);
        }
      }
      const page = await get(callback);
      assert.equal(page.status, 200);
      assert.match(page.body, /You can close this window/);
    }),
  });
  const profile = corpProfile(env.aws.startUrl);
  await login(env.rt, profile);
  assert.equal(reached["127.0.0.1"], true);
  for (const [address, ok] of Object.entries(reached)) {
    if (address !== "127.0.0.1") assert.equal(ok, false, `reachable on ${address}`);
  }
  assert.equal(await tryConnect("127.0.0.1"), false, "still listening after the login");
});

Deno.test("login() fails with LOGIN_FAILED when the user denies in the browser", async () => {
  await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER }, fake: { userDenies: true } });
  const profile = corpProfile(env.aws.startUrl);
  const err = await rejection(() => login(env.rt, profile));
  assert.ok(err instanceof SsoError && err.code === "LOGIN_FAILED", errorText(err));
  assert.match(err.message, /access_denied/);
  assert.equal(env.aws.counters.createToken.authorization_code, 0);
  assertNoSecrets(env.aws, [env.rt.err(), errorText(err)]);
});

Deno.test("login() names what OIDC said when it refuses the code, and what to do", async () => {
  // OIDC errors carry their text in error_description (the SDK's message is "UnknownError").
  await using env = await tokenEnv({
    env: { BROWSER: FAKE_BROWSER },
    fake: {
      faults: [{
        op: "createToken",
        kind: "error",
        errorType: "InvalidGrantException",
        message: "Invalid grant provided",
        count: 1,
      }],
    },
  });
  const profile = corpProfile(env.aws.startUrl);
  const err = await rejection(() => login(env.rt, profile));
  assert.ok(err instanceof SsoError && err.code === "LOGIN_FAILED", errorText(err));
  assert.equal(err.message, "Sign-in failed: InvalidGrantException: Invalid grant provided");
  assert.match(err.hint ?? "", /sign in again/);
  assertNoSecrets(env.aws, [env.rt.err(), errorText(err)]);
});

Deno.test("login() with noBrowser prints the URL on stderr and completes when the user opens it", async () => {
  await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER } });
  const profile = corpProfile(env.aws.startUrl);
  const signIn = login(env.rt, profile, { noBrowser: true });
  let url: string | undefined;
  for (let i = 0; i < 200 && !url; i++) {
    url = /^http:\/\/\S+\/authorize\?\S+$/m.exec(env.rt.err())?.[0];
    if (!url) await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(url, `no URL on stderr: ${env.rt.err()}`);
  // The user opens it by hand: the browser follows the redirect back.
  const res = await fetch(url);
  assert.equal(res.status, 200);
  await res.body?.cancel();
  const token = await signIn;
  assert.equal(token.accessToken, env.aws.issued.accessTokens[0]);
  assert.equal(env.spawned.length, 0, "no browser was opened");
  assert.doesNotMatch(env.rt.err(), /Attempting to open/);
  assert.equal(env.rt.out(), "");
});

Deno.test("getSsoToken() gives up on a PKCE sign-in nobody completes with LOGIN_TIMEOUT", async () => {
  await using env = await tokenEnv({ env: { BROWSER: "/bin/true" } });
  const profile = corpProfile(env.aws.startUrl);
  const err = await rejection(() => getSsoToken(env.rt, profile, { timeoutMs: 200 }));
  assert.ok(err instanceof SsoError && err.code === "LOGIN_TIMEOUT", errorText(err));
  assert.match(err.hint ?? "", /--use-device-code/);
});
