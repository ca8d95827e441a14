import assert from "node:assert/strict";
import { login } from "../../src/token/login_command.ts";
import { logout } from "../../src/token/logout.ts";
import { assertNoSecrets, corpProfile, legacyProfile, plantToken, tokenEnv } from "./_fixtures.ts";

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

async function portalAccepts(url: string, accessToken: string): Promise<boolean> {
  const res = await fetch(`${url}/assignment/accounts`, {
    headers: { "x-amz-sso_bearer_token": accessToken },
  });
  await res.body?.cancel();
  return res.ok;
}

Deno.test("logout() calls the portal's Logout, removes the token and keeps the registration", async () => {
  await using env = await tokenEnv({ fake: { deviceApproveAfterPolls: 0 }, fakeSleep: true });
  const profile = corpProfile(env.aws.startUrl);
  const token = await login(env.rt, profile, { useDeviceCode: true });
  const tokenName = (await env.tokenPath(profile)).split("/").pop()!;
  const before = await names(env.cacheDir);
  assert.equal(before.length, 2);
  assert.ok(await portalAccepts(env.aws.url, token.accessToken));

  assert.equal(await logout(env.rt, profile), true);
  assert.equal(env.aws.counters.logout, 1);
  assert.deepEqual(await names(env.cacheDir), before.filter((n) => n !== tokenName));
  assert.equal(await portalAccepts(env.aws.url, token.accessToken), false, "session ended");
  assertNoSecrets(env.aws, [env.rt.err(), env.rt.out()]);

  // Signing in again reuses the kept registration.
  await login(env.rt, profile, { useDeviceCode: true });
  assert.equal(env.aws.counters.registerClient, 1);
});

Deno.test("logout() without a token returns false and calls nothing", async (t) => {
  await t.step("no token file", async () => {
    await using env = await tokenEnv();
    assert.equal(await logout(env.rt, corpProfile(env.aws.startUrl)), false);
    assert.equal(env.aws.counters.logout, 0);
  });
  await t.step("a token of another start URL is left alone", async () => {
    await using env = await tokenEnv();
    const other = corpProfile("https://d-other.awsapps.com/start");
    await plantToken(env, other, { leftMs: 3600_000 });
    const path = await env.tokenPath(other);
    assert.equal(await logout(env.rt, corpProfile(env.aws.startUrl)), false);
    assert.equal(env.aws.counters.logout, 0);
    assert.ok(await Deno.stat(path));
  });
});

Deno.test("logout() removes the token even when Logout fails or the token has expired", async (t) => {
  await t.step("Logout answers 500", async () => {
    await using env = await tokenEnv({ fake: { faults: [{ op: "logout", kind: "internal" }] } });
    const profile = legacyProfile(env.aws.startUrl);
    await plantToken(env, profile, { leftMs: 3600_000 });
    assert.equal(await logout(env.rt, profile), true);
    assert.equal(env.aws.counters.logout, 1);
    assert.equal(await Deno.stat(await env.tokenPath(profile)).catch(() => null), null);
    assert.equal(env.rt.err(), "");
  });
  await t.step(
    "a token no request can carry (a space in it): removed, no Logout sent",
    async () => {
      await using env = await tokenEnv();
      const profile = corpProfile(env.aws.startUrl);
      await plantToken(env, profile, { leftMs: 3600_000 });
      const path = await env.tokenPath(profile);
      const data = JSON.parse(await Deno.readTextFile(path));
      await Deno.writeTextFile(
        path,
        JSON.stringify({ ...data, accessToken: `${data.accessToken} ` }),
      );
      assert.equal(await logout(env.rt, profile), true);
      assert.equal(env.aws.counters.logout, 0);
      assert.equal(await Deno.stat(path).catch(() => null), null);
    },
  );
  await t.step("expired token", async () => {
    await using env = await tokenEnv();
    const profile = corpProfile(env.aws.startUrl);
    await plantToken(env, profile, { leftMs: -3600_000 });
    assert.equal(await logout(env.rt, profile), true);
    assert.equal(await Deno.stat(await env.tokenPath(profile)).catch(() => null), null);
  });
});
