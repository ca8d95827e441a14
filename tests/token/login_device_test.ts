import assert from "node:assert/strict";
import { SsoError } from "../../src/errors.ts";
import { getSsoToken } from "../../src/token/get_sso_token.ts";
import { login } from "../../src/token/login_command.ts";
import { FAKE_BROWSER } from "../e2e/_cli.ts";
import {
  assertNoSecrets,
  corpProfile,
  errorText,
  legacyProfile,
  rejection,
  tokenEnv,
  zulu,
} from "./_fixtures.ts";

Deno.test("login() of a legacy profile uses the device code flow and prints the pre-filled URL", async () => {
  await using env = await tokenEnv({ fake: { deviceApproveAfterPolls: 2 }, fakeSleep: true });
  const profile = legacyProfile(env.aws.startUrl);
  const start = env.rt.now();
  const token = await login(env.rt, profile);
  const c = env.aws.counters;
  assert.equal(c.startDeviceAuthorization, 1);
  assert.equal(c.createToken.device_code, 3);
  assert.equal(c.authorize, 0);
  assert.deepEqual(env.slept, [1000, 1000], "the fake's 1 s interval, after each pending poll");
  // No browser here (no BROWSER, no DISPLAY): URL and code on stderr, nothing on stdout.
  assert.equal(env.rt.out(), "");
  assert.equal(env.spawned.length, 0);
  const err = env.rt.err();
  assert.match(err, new RegExp(`${env.aws.url}/device\\?user_code=[A-Z]{4}-[A-Z]{4}\\n`));
  assert.match(err, /enter the code: [A-Z]{4}-[A-Z]{4}\n/);
  assertNoSecrets(env.aws, [err]);
  // The registration: no scopes, no grant types, a timestamped name, as the AWS CLI's.
  const [client] = env.aws.clients;
  assert.deepEqual(client!.scopes, []);
  assert.deepEqual(client!.grantTypes, []);
  assert.match(client!.clientName, /-\d{10}$/);
  // No scopes: no refresh token, none written.
  assert.equal(token.refreshToken, undefined);
  assert.equal(
    await Deno.readTextFile(await env.tokenPath(profile)),
    `{"startUrl": "${profile.startUrl}", "region": "us-east-1", ` +
      `"accessToken": "${token.accessToken}", "expiresAt": "${
        zulu(start + 2000 + 8 * 3600_000)
      }", ` +
      `"clientId": "${client!.clientId}", "clientSecret": "${token.clientSecret}", ` +
      `"registrationExpiresAt": "${zulu(client!.expiresAt * 1000)}"}`,
  );
});

Deno.test("login() with useDeviceCode uses the device code flow for an sso-session profile", async () => {
  await using env = await tokenEnv({
    env: { BROWSER: FAKE_BROWSER },
    fake: { deviceApproveAfterPolls: null },
    fakeSleep: true,
  });
  const profile = corpProfile(env.aws.startUrl);
  const token = await login(env.rt, profile, { useDeviceCode: true });
  const c = env.aws.counters;
  assert.equal(c.authorize, 0);
  assert.equal(c.startDeviceAuthorization, 1);
  // The browser opened verificationUriComplete, which approved; the next poll got the token.
  assert.equal(env.spawned.length, 1);
  assert.match(env.spawned[0]!.args.at(-1)!, /\/device\?user_code=[A-Z]{4}-[A-Z]{4}$/);
  assert.equal(c.createToken.device_code, 2);
  assert.deepEqual(env.aws.clients[0]!.scopes, ["sso:account:access"]);
  assert.equal(token.refreshToken, env.aws.issued.refreshTokens[0], "scoped: refreshable");
  assert.equal(env.rt.out(), "");
  assert.match(env.rt.err(), /Attempting to open your default browser/);
  assertNoSecrets(env.aws, [env.rt.err()]);
});

Deno.test("getSsoToken() of an sso-session profile uses the device code flow where no browser can be opened", async () => {
  await using env = await tokenEnv({ fake: { deviceApproveAfterPolls: 1 }, fakeSleep: true });
  const profile = corpProfile(env.aws.startUrl);
  const token = await getSsoToken(env.rt, profile);
  assert.equal(env.aws.counters.authorize, 0);
  assert.equal(env.aws.counters.createToken.device_code, 2);
  assert.equal(token.accessToken, env.aws.issued.accessTokens[0]);
  assert.match(env.rt.err(), /\/device\?user_code=[A-Z]{4}-[A-Z]{4}\n/);
  assert.equal(env.rt.out(), "");
});

Deno.test("login() adds 5 s to the poll interval on slow_down", async () => {
  await using env = await tokenEnv({
    fake: {
      deviceApproveAfterPolls: 2,
      faults: [{ op: "createToken", kind: "slow_down", skip: 1, count: 1 }],
    },
    fakeSleep: true,
  });
  const profile = legacyProfile(env.aws.startUrl);
  const token = await login(env.rt, profile);
  assert.equal(token.accessToken, env.aws.issued.accessTokens[0]);
  // poll (pending) · 1 s · poll (slow_down) · 6 s · poll (pending) · 6 s · poll (token)
  assert.deepEqual(env.slept, [1000, 6000, 6000]);
  assert.equal(env.aws.counters.createToken.device_code, 4);
});

Deno.test("login() asks once before showing anything: a pre-authorised client prints nothing", async () => {
  await using env = await tokenEnv({ fake: { deviceApproveAfterPolls: 0 }, fakeSleep: true });
  const profile = legacyProfile(env.aws.startUrl);
  await login(env.rt, profile);
  assert.equal(env.aws.counters.createToken.device_code, 1);
  assert.deepEqual(env.slept, []);
  assert.equal(env.rt.err(), "");
});

Deno.test("login() fails with LOGIN_TIMEOUT when the device code expires (expired_token)", async () => {
  await using env = await tokenEnv({
    fake: { deviceApproveAfterPolls: null, deviceCodeTtlSeconds: 10 },
    fakeSleep: true,
  });
  const profile = legacyProfile(env.aws.startUrl);
  const started = performance.now();
  const err = await rejection(() => login(env.rt, profile));
  assert.ok(performance.now() - started < 5000, "the injected clock should make this fast");
  assert.ok(err instanceof SsoError && err.code === "LOGIN_TIMEOUT", errorText(err));
  assert.match(err.hint ?? "", /run the command again/);
  assert.ok(env.aws.counters.createToken.device_code >= 10);
  assert.equal(await Deno.stat(await env.tokenPath(profile)).catch(() => null), null);
  assertNoSecrets(env.aws, [env.rt.err(), errorText(err)]);
});

Deno.test("login() fails with LOGIN_TIMEOUT at its own timeout, even if the code lives on", async () => {
  await using env = await tokenEnv({ fake: { deviceApproveAfterPolls: null }, fakeSleep: true });
  const profile = legacyProfile(env.aws.startUrl);
  const err = await rejection(() => login(env.rt, profile, { timeoutMs: 30_000 }));
  assert.ok(err instanceof SsoError && err.code === "LOGIN_TIMEOUT", errorText(err));
  assert.equal(env.slept.reduce((a, b) => a + b, 0), 30_000);
});

Deno.test("login() fails with LOGIN_FAILED when the user denies the device", async () => {
  await using env = await tokenEnv({
    fake: { deviceApproveAfterPolls: 1, userDenies: true },
    fakeSleep: true,
  });
  const profile = legacyProfile(env.aws.startUrl);
  const err = await rejection(() => login(env.rt, profile));
  assert.ok(err instanceof SsoError && err.code === "LOGIN_FAILED", errorText(err));
  assert.match(err.message, /AccessDeniedException/);
  assertNoSecrets(env.aws, [env.rt.err(), errorText(err)]);
});
