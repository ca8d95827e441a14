import assert from "node:assert/strict";
import { SsoError } from "../../src/errors.ts";
import { getSsoToken } from "../../src/token/get_sso_token.ts";
import { login } from "../../src/token/login_command.ts";
import { readToken } from "../../src/token/token_store.ts";
import type { FaultRule } from "../../testing/mod.ts";
import { FAKE_BROWSER } from "../e2e/_cli.ts";
import {
  assertNoSecrets,
  corpProfile,
  errorText,
  legacyProfile,
  oidcCalls,
  plantToken,
  rejection,
  sha1,
  type TokenEnv,
  tokenEnv,
  zulu,
} from "./_fixtures.ts";

const MIN = 60_000;

Deno.test("login() reuses a registration until less than 15 minutes are left, then registers anew", async () => {
  await using env = await tokenEnv({
    fake: { deviceApproveAfterPolls: 0, clientSecretTtlSeconds: 20 * 60 },
    fakeSleep: true,
  });
  const profile = legacyProfile(env.aws.startUrl);
  const registrations = () => env.aws.counters.registerClient;
  const first = await login(env.rt, profile);
  assert.equal(registrations(), 1);
  env.rt.advance(5 * MIN - 1000); // 15 min + 1 s left
  assert.equal((await login(env.rt, profile)).clientId, first.clientId);
  env.rt.advance(1000); // 15 min left
  assert.equal((await login(env.rt, profile)).clientId, first.clientId);
  assert.equal(registrations(), 1);
  env.rt.advance(1000); // 15 min - 1 s left
  const renewed = await login(env.rt, profile);
  assert.equal(registrations(), 2);
  assert.notEqual(renewed.clientId, first.clientId);
  assert.equal(env.aws.counters.createToken.device_code, 4);
});

Deno.test("login() reuses the PKCE registration, but not a device code one for PKCE or back", async () => {
  await using env = await tokenEnv({
    env: { BROWSER: FAKE_BROWSER },
    fake: { deviceApproveAfterPolls: 0 },
    fakeSleep: true,
  });
  const profile = corpProfile(env.aws.startUrl);
  const registrations = () => env.aws.counters.registerClient;
  await login(env.rt, profile);
  await login(env.rt, profile);
  assert.equal(registrations(), 1);
  assert.equal(env.aws.counters.createToken.authorization_code, 2);
  await login(env.rt, profile, { useDeviceCode: true });
  assert.equal(registrations(), 2, "a PKCE registration is not used for the device code flow");
  await login(env.rt, profile, { useDeviceCode: true });
  assert.equal(registrations(), 2);
  await login(env.rt, profile);
  assert.equal(registrations(), 3, "nor a device code registration for PKCE");
});

Deno.test("login() ignores a corrupt registration file and replaces it", async () => {
  await using env = await tokenEnv({ fake: { deviceApproveAfterPolls: 0 }, fakeSleep: true });
  const profile = legacyProfile(env.aws.startUrl);
  await login(env.rt, profile);
  const name = `${await sha1(
    `{"region": "us-east-1", "scopes": null, "session_name": null, ` +
      `"startUrl": "${profile.startUrl}", "tool": "botocore"}`,
  )}.json`;
  assert.equal(
    JSON.parse(await Deno.readTextFile(`${env.cacheDir}/${name}`)).clientId,
    env.aws.clients[0]!.clientId,
  );
  await Deno.writeTextFile(`${env.cacheDir}/${name}`, '{"clientId": "x", "clientSe');
  await login(env.rt, profile);
  assert.equal(env.aws.counters.registerClient, 2);
  assert.equal(
    JSON.parse(await Deno.readTextFile(`${env.cacheDir}/${name}`)).clientId,
    env.aws.clients[1]!.clientId,
  );
});

Deno.test("getSsoToken() with loginWith aws runs `aws sso login --profile X` and takes its token", async () => {
  let written = "";
  await using env = await tokenEnv({
    async spawn(command) {
      if (command !== "aws") return -1;
      // What the AWS CLI does: sign in and write the token file, in its own format.
      const issued = env.aws.issueTokens();
      written = `{"startUrl": "${env.aws.startUrl}", "region": "us-east-1", ` +
        `"accessToken": "${issued.accessToken}", "expiresAt": "${zulu(env.rt.now() + 3600_000)}"}`;
      await Deno.writeTextFile(await env.tokenPath(corpProfile(env.aws.startUrl)), written);
      return 0;
    },
  });
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: -MIN, refreshable: false });
  const token = await getSsoToken(env.rt, profile, { loginWith: "aws", login: "browser-only" });
  assert.deepEqual(env.spawned, [{
    command: "aws",
    args: ["sso", "login", "--profile", "corp"],
    options: undefined, // the adapter's default: its output goes to our stderr
  }]);
  assert.equal(token.accessToken, env.aws.issued.accessTokens.at(-1));
  assert.equal(oidcCalls(env.aws), 0, "aws-sso itself made no OIDC call");
  assert.equal(await Deno.readTextFile(await env.tokenPath(profile)), written, "left as written");
});

Deno.test("getSsoToken() with loginWith aws passes --no-browser and --use-device-code on", async (t) => {
  const cases = [
    [{}, []],
    [{ noBrowser: true }, ["--no-browser"]],
    [{ useDeviceCode: true }, ["--use-device-code"]],
    [{ noBrowser: true, useDeviceCode: true }, ["--no-browser", "--use-device-code"]],
  ] as const;
  for (const [options, extra] of cases) {
    await t.step(JSON.stringify(options), async () => {
      await using env = await tokenEnv({ spawn: () => Promise.resolve(1) });
      const profile = corpProfile(env.aws.startUrl);
      await rejection(() => getSsoToken(env.rt, profile, { loginWith: "aws", ...options }));
      assert.deepEqual(env.spawned[0]?.args, ["sso", "login", "--profile", "corp", ...extra]);
    });
  }
});

Deno.test("getSsoToken() with loginWith aws fails with LOGIN_FAILED when the AWS CLI does not sign in", async (t) => {
  for (const [what, code] of [["exits 1", 1], ["exits 0 but writes nothing", 0]] as const) {
    await t.step(what, async () => {
      await using env = await tokenEnv({ spawn: () => Promise.resolve(code) });
      const profile = corpProfile(env.aws.startUrl);
      const err = await rejection(() => getSsoToken(env.rt, profile, { loginWith: "aws" }));
      assert.ok(err instanceof SsoError && err.code === "LOGIN_FAILED", errorText(err));
      assert.equal(
        err.message,
        `"aws sso login --profile corp" did not sign in (exit code ${code})`,
      );
    });
  }
  await t.step('login: "never" does not run it', async () => {
    await using env = await tokenEnv({ spawn: () => Promise.resolve(0) });
    const profile = corpProfile(env.aws.startUrl);
    const err = await rejection(() =>
      getSsoToken(env.rt, profile, { loginWith: "aws", login: "never" })
    );
    assert.ok(err instanceof SsoError && err.code === "LOGIN_REQUIRED");
    assert.equal(env.spawned.length, 0);
  });
});

/** A token env whose fake applies `fault`, with a browser that approves and a virtual clock. */
function faultyEnv(fault: FaultRule): Promise<TokenEnv> {
  return tokenEnv({
    env: { BROWSER: FAKE_BROWSER },
    fake: { deviceApproveAfterPolls: 0, faults: [fault] },
    fakeSleep: true,
  });
}

Deno.test("login() rides out a passing fault of client registration and device authorization", async (t) => {
  // Both create something new on every call, so repeating one is safe; SSO-OIDC signals load
  // with SlowDownException (its model has no TooManyRequests).
  const cases = [
    [{ op: "registerClient", kind: "internal", count: 2 }, "pkce"],
    [{ op: "registerClient", kind: "slow_down" }, "pkce"],
    [{ op: "registerClient", kind: "reset" }, "device"],
    [{ op: "startDeviceAuthorization", kind: "slow_down" }, "device"],
    [{ op: "startDeviceAuthorization", kind: "unavailable", count: 2 }, "device"],
  ] as const;
  for (const [fault, flow] of cases) {
    await t.step(`${flow}: ${fault.op} ${fault.kind}`, async () => {
      await using env = await faultyEnv(fault);
      const profile = corpProfile(env.aws.startUrl);
      await login(env.rt, profile, { useDeviceCode: flow === "device" });
      assert.ok(env.aws.counters.faults >= 1, "the fault fired");
      assert.ok(await readToken(env.rt, profile), "signed in");
    });
  }
});

Deno.test("login() errors name what failed and leak nothing, whatever the OIDC service does", async (t) => {
  // Faults of the calls that are retried persist (ratio 1), or a retry would cure them.
  const faults = [
    { op: "registerClient", kind: "internal", ratio: 1 },
    { op: "registerClient", kind: "truncate", ratio: 1 },
    { op: "registerClient", kind: "malformed", ratio: 1 },
    { op: "registerClient", kind: "reset", ratio: 1 },
    { op: "registerClient", kind: "slow_down", ratio: 1 },
    { op: "createToken", kind: "truncate" },
    { op: "createToken", kind: "malformed" },
    { op: "createToken", kind: "reset" },
    { op: "createToken", kind: "error", errorType: "InvalidGrantException", message: "no" },
    { op: "startDeviceAuthorization", kind: "truncate", ratio: 1 },
    { op: "startDeviceAuthorization", kind: "unavailable", ratio: 1 },
  ] as const;
  for (const fault of faults) {
    for (const flow of ["pkce", "device"] as const) {
      if (flow === "pkce" && fault.op === "startDeviceAuthorization") continue;
      await t.step(`${flow}: ${fault.op} ${fault.kind}`, async () => {
        await using env = await faultyEnv(fault);
        const profile = corpProfile(env.aws.startUrl);
        // Secrets exist before the failure: a live registration and token of another session.
        await plantToken(env, legacyProfile(env.aws.startUrl), { leftMs: 3600_000 });
        const err = await rejection(() =>
          login(env.rt, profile, { useDeviceCode: flow === "device" })
        );
        assert.ok(err instanceof SsoError && err.code === "LOGIN_FAILED", errorText(err));
        assert.match(
          err.message,
          /^(Cannot register a sign-in client|Cannot start sign-in|Sign-in failed): /,
        );
        assertNoSecrets(env.aws, [env.rt.err(), env.rt.out(), errorText(err)]);
      });
    }
  }
});
