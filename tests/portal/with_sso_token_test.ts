/**
 * `withSsoToken()` reads the token while the portal client loads, yet a client that cannot be
 * built is reported before any sign-in starts: nobody signs in for a call that cannot be made.
 */

import assert from "node:assert/strict";
import { withSsoToken } from "../../src/portal/with_sso_token.ts";
import { corpProfile, oidcCalls, plantToken, tokenEnv } from "../token/_fixtures.ts";

const MIN = 60_000;

Deno.test("withSsoToken() reports a portal client that cannot be built before any sign-in", async (t) => {
  for (const session of ["none", "expired, refresh refused"] as const) {
    await t.step(`session: ${session}`, async () => {
      // A browser that does not open: a sign-in that starts fails at once, with its own error.
      await using env = await tokenEnv({
        env: { BROWSER: "a-browser" },
        spawn: () => Promise.resolve(1),
      });
      const profile = corpProfile(env.aws.startUrl);
      if (session !== "none") {
        await plantToken(env, profile, { leftMs: -MIN, refreshable: false });
      }
      const boom = new Error("the portal client cannot be built");
      env.rt.portal = () => Promise.reject(boom);
      await assert.rejects(
        withSsoToken(env.rt, profile, "List accounts", () => Promise.resolve(1), {
          login: "browser-only",
        }),
        (err) => err === boom,
      );
      assert.equal(env.aws.counters.registerClient, 0, "no sign-in started");
      assert.equal(oidcCalls(env.aws), 0);
      assert.deepEqual(env.spawned, [], "no browser opened");
    });
  }
});

Deno.test("withSsoToken() reads the token while the portal client loads", async () => {
  await using env = await tokenEnv();
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: 8 * 60 * MIN });
  const tokenFile = await env.tokenPath(profile);
  let clientLoaded = false;
  const portal = env.rt.portal;
  env.rt.portal = async (options) => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    clientLoaded = true;
    return await portal(options);
  };
  const readTextFile = env.rt.fs.readTextFile;
  let tokenReadAfterClient: boolean | undefined;
  env.rt.fs = {
    ...env.rt.fs,
    readTextFile(path, options) {
      if (path === tokenFile) tokenReadAfterClient ??= clientLoaded;
      return readTextFile(path, options);
    },
  };
  const n = await withSsoToken(env.rt, profile, "List accounts", (_client, accessToken) => {
    return Promise.resolve(accessToken.length);
  });
  assert.ok(n > 0);
  assert.equal(tokenReadAfterClient, false);
});
