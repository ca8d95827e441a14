import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { runFlags } from "../../src/cli/permissions.ts";
import { SsoError } from "../../src/errors.ts";
import { openBrowser } from "../../src/token/browser.ts";
import { readToken, writeToken } from "../../src/token/token_store.ts";
import { testRuntime } from "../helpers.ts";
import { getSsoToken, MIN_VALIDITY_MS, REFRESH_RETRY_MS } from "../../src/token/get_sso_token.ts";
import { EXPIRY_WINDOW_MS } from "../../src/token/sso_token.ts";
import { FAKE_BROWSER } from "../e2e/_cli.ts";
import {
  assertNoSecrets,
  corpProfile,
  errorText,
  legacyProfile,
  oidcCalls,
  plantToken,
  rejection,
  tokenEnv,
  zulu,
} from "./_fixtures.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

Deno.test("the windows are botocore's: refresh within 15 minutes, unusable within 1 minute", () => {
  assert.equal(EXPIRY_WINDOW_MS, 15 * MIN);
  assert.equal(MIN_VALIDITY_MS, MIN);
});

Deno.test("getSsoToken() uses a token with more than 15 minutes left without any OIDC call", async (t) => {
  for (const leftMs of [8 * HOUR, 15 * MIN + 1000, 15 * MIN]) {
    await t.step(`${leftMs / 1000} s left`, async () => {
      await using env = await tokenEnv();
      const profile = corpProfile(env.aws.startUrl);
      const issued = await plantToken(env, profile, { leftMs });
      const before = await Deno.readTextFile(await env.tokenPath(profile));
      const token = await getSsoToken(env.rt, profile);
      assert.equal(token.accessToken, issued.accessToken);
      assert.equal(oidcCalls(env.aws), 0);
      assert.equal(await Deno.readTextFile(await env.tokenPath(profile)), before);
      assert.equal(env.rt.err(), "");
    });
  }
});

Deno.test("getSsoToken() refreshes once within 15 minutes of expiry and rewrites botocore's format", async (t) => {
  for (const leftMs of [15 * MIN - 1000, 10 * MIN, 2 * MIN, 61_000, 59_000, -HOUR]) {
    await t.step(`${leftMs / 1000} s left`, async () => {
      await using env = await tokenEnv();
      const profile = corpProfile(env.aws.startUrl);
      const issued = await plantToken(env, profile, { leftMs });
      const token = await getSsoToken(env.rt, profile, { login: "never" });
      const c = env.aws.counters;
      assert.equal(c.createToken.refresh_token, 1);
      assert.equal(oidcCalls(env.aws), 1, "only the refresh");
      const accessToken = env.aws.issued.accessTokens.at(-1)!;
      const refreshToken = env.aws.issued.refreshTokens.at(-1)!;
      assert.notEqual(accessToken, issued.accessToken);
      assert.equal(token.accessToken, accessToken);
      assert.equal(token.expiresAt, env.rt.now() + 8 * HOUR);
      assert.equal(
        await Deno.readTextFile(await env.tokenPath(profile)),
        `{"startUrl": "${profile.startUrl}", "region": "us-east-1", ` +
          `"accessToken": "${accessToken}", "expiresAt": "${zulu(env.rt.now() + 8 * HOUR)}", ` +
          `"clientId": "${issued.clientId}", "clientSecret": "${issued.clientSecret}", ` +
          `"registrationExpiresAt": "${zulu(issued.clientSecretExpiresAt * 1000)}", ` +
          `"refreshToken": "${refreshToken}"}`,
      );
      if (Deno.build.os !== "windows") {
        assert.equal((await Deno.stat(await env.tokenPath(profile))).mode! & 0o777, 0o600);
      }
      // The next call finds the new token fresh.
      await getSsoToken(env.rt, profile, { login: "never" });
      assert.equal(env.aws.counters.createToken.refresh_token, 1);
      assertNoSecrets(env.aws, [env.rt.err(), env.rt.out()]);
    });
  }
});

Deno.test("getSsoToken() walks through the windows as the clock moves", async () => {
  await using env = await tokenEnv();
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: 16 * MIN });
  const refreshes = () => env.aws.counters.createToken.refresh_token;
  await getSsoToken(env.rt, profile, { login: "never" });
  env.rt.advance(MIN - 1000); // 15 min + 1 s left
  await getSsoToken(env.rt, profile, { login: "never" });
  env.rt.advance(1000); // 15 min left
  await getSsoToken(env.rt, profile, { login: "never" });
  assert.equal(refreshes(), 0);
  env.rt.advance(1000); // 15 min - 1 s left
  const renewed = await getSsoToken(env.rt, profile, { login: "never" });
  assert.equal(refreshes(), 1);
  assert.equal(renewed.expiresAt, env.rt.now() + 8 * HOUR);
  env.rt.advance(8 * HOUR - 15 * MIN - 1000); // 15 min + 1 s left on the new one
  await getSsoToken(env.rt, profile, { login: "never" });
  assert.equal(refreshes(), 1);
  env.rt.advance(2000);
  await getSsoToken(env.rt, profile, { login: "never" });
  assert.equal(refreshes(), 2);
});

Deno.test("getSsoToken() keeps a still-valid token when the refresh is refused, without error", async (t) => {
  for (const leftMs of [14 * MIN, 61_000, 60_000]) {
    await t.step(`${leftMs / 1000} s left, refresh token revoked`, async () => {
      await using env = await tokenEnv();
      const profile = corpProfile(env.aws.startUrl);
      const issued = await plantToken(env, profile, { leftMs });
      env.aws.revokeRefreshTokens();
      const before = await Deno.readTextFile(await env.tokenPath(profile));
      const token = await getSsoToken(env.rt, profile, { login: "never" });
      assert.equal(token.accessToken, issued.accessToken);
      assert.equal(env.aws.counters.createToken.refresh_token, 1);
      assert.equal(await Deno.readTextFile(await env.tokenPath(profile)), before);
      assert.equal(env.rt.err(), "");
    });
  }
  await t.step("refresh keeps failing with a 500", async () => {
    await using env = await tokenEnv({
      fake: { faults: [{ op: "createToken", kind: "internal", ratio: 1 }] },
      fakeSleep: true,
    });
    const profile = corpProfile(env.aws.startUrl);
    const issued = await plantToken(env, profile, { leftMs: 5 * MIN });
    const token = await getSsoToken(env.rt, profile, { login: "never" });
    assert.equal(token.accessToken, issued.accessToken);
  });
});

Deno.test("getSsoToken() rides out a passing fault of the refresh instead of signing in", async (t) => {
  // (An answer lost after the service rotated the refresh token cannot be ridden out: the old
  // one is spent, and a sign-in is due.)
  for (const kind of ["internal", "unavailable", "throttle"] as const) {
    await t.step(kind, async () => {
      await using env = await tokenEnv({
        env: { BROWSER: FAKE_BROWSER },
        fake: { faults: [{ op: "createToken", kind, count: 1 }] },
        fakeSleep: true,
      });
      const profile = corpProfile(env.aws.startUrl);
      const issued = await plantToken(env, profile, { leftMs: -HOUR });
      const token = await getSsoToken(env.rt, profile, { login: "browser-only" });
      assert.notEqual(token.accessToken, issued.accessToken);
      assert.equal(env.aws.counters.authorize, 0, "no sign-in");
      assert.equal(env.aws.counters.createToken.authorization_code, 0);
    });
  }
  await t.step(
    "a fault that persists: one clear error, no sign-in, the token file kept",
    async () => {
      await using env = await tokenEnv({
        env: { BROWSER: FAKE_BROWSER },
        fake: { faults: [{ op: "createToken", kind: "unavailable", ratio: 1 }] },
        fakeSleep: true,
      });
      const profile = corpProfile(env.aws.startUrl);
      await plantToken(env, profile, { leftMs: -HOUR });
      const before = await Deno.readTextFile(await env.tokenPath(profile));
      const err = await rejection(() => getSsoToken(env.rt, profile, { login: "browser-only" }));
      assert.ok(err instanceof SsoError && err.code === "SERVICE_ERROR", errorText(err));
      assert.match(err.message, /refresh/i);
      assert.equal(env.aws.counters.authorize, 0, "no sign-in");
      assert.equal(await Deno.readTextFile(await env.tokenPath(profile)), before);
    },
  );
});

Deno.test("getSsoToken() takes the token another tool refreshed meanwhile rather than signing in", async () => {
  // botocore and the JS SDK refresh without aws-sso's lock: theirs can spend the refresh token
  // just before ours, and write the new token to the file.
  await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER } });
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: -HOUR });
  const realOidc = env.rt.oidc.bind(env.rt);
  let theirs: string | undefined;
  env.rt.oidc = async (o) => {
    const api = await realOidc(o);
    return {
      ...api,
      async createToken(input) {
        if (!theirs && input.grantType === "refresh_token") {
          const other = await api.createToken(input);
          theirs = other.accessToken;
          const t = (await readToken(env.rt, profile))!;
          await writeToken(env.rt, profile, {
            ...t,
            accessToken: other.accessToken,
            expiresAt: env.rt.now() + other.expiresIn * 1000,
            refreshToken: other.refreshToken!,
          });
        }
        return await api.createToken(input);
      },
    };
  };
  const token = await getSsoToken(env.rt, profile, { login: "browser-only" });
  assert.equal(token.accessToken, theirs);
  assert.equal(env.aws.counters.authorize, 0, "no sign-in");
});

Deno.test("getSsoToken() keeps a token whose lifetime runs past the year 9999, ending it there", async (t) => {
  for (const leftMs of [5 * MIN, -HOUR]) {
    await t.step(leftMs > 0 ? "refreshed" : "signed in", async () => {
      await using env = await tokenEnv({
        env: { BROWSER: FAKE_BROWSER },
        fake: { accessTokenTtlSeconds: 3e11, refreshTokens: "always" },
      });
      const profile = corpProfile(env.aws.startUrl);
      const issued = await plantToken(env, profile, { leftMs });
      if (leftMs < 0) env.aws.revokeRefreshTokens();
      const token = await getSsoToken(env.rt, profile, { login: "browser-only" });
      assert.notEqual(token.accessToken, issued.accessToken);
      const file = JSON.parse(await Deno.readTextFile(await env.tokenPath(profile)));
      assert.equal(file.accessToken, token.accessToken, "the new token is saved");
      assert.equal(file.expiresAt, "9999-12-31T23:59:59Z");
    });
  }
});

Deno.test("getSsoToken() after refresh retries: takes a token another tool wrote meanwhile, never one about to expire", async (t) => {
  await t.step("another tool wrote a token while the refresh kept failing", async () => {
    await using env = await tokenEnv({
      env: { BROWSER: FAKE_BROWSER },
      fake: { faults: [{ op: "createToken", kind: "internal", ratio: 1 }] },
      fakeSleep: true,
    });
    const profile = corpProfile(env.aws.startUrl);
    await plantToken(env, profile, { leftMs: -HOUR });
    let theirs = "";
    const sleep = env.rt.sleep;
    env.rt.sleep = async (ms) => {
      if (!theirs) theirs = (await plantToken(env, profile, { leftMs: 8 * HOUR })).accessToken;
      return await sleep(ms);
    };
    const token = await getSsoToken(env.rt, profile, { login: "browser-only" });
    assert.equal(token.accessToken, theirs);
    assert.equal(env.aws.counters.authorize, 0);
  });
  await t.step("the retries ate into a token's last minute", async () => {
    await using env = await tokenEnv({
      fake: { faults: [{ op: "createToken", kind: "internal", ratio: 1 }] },
      fakeSleep: true,
    });
    const profile = corpProfile(env.aws.startUrl);
    await plantToken(env, profile, { leftMs: MIN_VALIDITY_MS + 2_000 });
    const sleep = env.rt.sleep;
    env.rt.sleep = (ms) => sleep(ms + 1_000); // each failed attempt took a second (a slow 5xx)
    const err = await rejection(() => getSsoToken(env.rt, profile, { login: "never" }));
    assert.ok(err instanceof SsoError && err.code === "SERVICE_ERROR", errorText(err));
  });
});

Deno.test("getSsoToken() tries a refused refresh again only after a minute, whichever process asks", async () => {
  await using env = await tokenEnv();
  const profile = corpProfile(env.aws.startUrl);
  const issued = await plantToken(env, profile, { leftMs: 10 * MIN });
  env.aws.revokeRefreshTokens();
  const refreshes = () => env.aws.counters.createToken.refresh_token;
  // Each call stands for a process: nothing is kept in memory, only the files.
  for (let i = 0; i < 5; i++) {
    const token = await getSsoToken(env.rt, profile, { login: "never" });
    assert.equal(token.accessToken, issued.accessToken);
  }
  assert.equal(refreshes(), 1, "one refused refresh, then the valid token without trying again");
  const note = await Deno.readTextFile(`${await env.tokenPath(profile)}`.replace(
    /\.json$/,
    ".refresh-failed",
  ));
  assertNoSecrets(env.aws, [note]);

  env.rt.advance(REFRESH_RETRY_MS - 1);
  await getSsoToken(env.rt, profile, { login: "never" });
  assert.equal(refreshes(), 1);
  env.rt.advance(1);
  await getSsoToken(env.rt, profile, { login: "never" });
  assert.equal(refreshes(), 2, "a minute later it tries again");

  // A token the portal refused (401) is not kept on the strength of the note: sign-in is due.
  await assert.rejects(
    getSsoToken(env.rt, profile, { login: "never", rejected: issued.accessToken }),
    (err: unknown) => err instanceof SsoError && err.code === "LOGIN_REQUIRED",
  );
});

Deno.test("getSsoToken() writes its failure note in place of a symlink, never through it", async () => {
  await using env = await tokenEnv();
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: 10 * MIN });
  env.aws.revokeRefreshTokens();
  const precious = join(env.home, "precious.txt");
  await Deno.writeTextFile(precious, "mine\n");
  const note = (await env.tokenPath(profile)).replace(/\.json$/, ".refresh-failed");
  await Deno.symlink(precious, note);
  await getSsoToken(env.rt, profile, { login: "never" });
  assert.equal(env.aws.counters.createToken.refresh_token, 1);
  assert.equal(await Deno.readTextFile(precious), "mine\n", "the link's target is untouched");
  const info = await Deno.lstat(note);
  assert.ok(info.isFile, "the note replaced the link");
  assert.equal(info.mode! & 0o777, 0o600);
  assert.match(await Deno.readTextFile(note), /failedAt/);
});

Deno.test("getSsoToken() cleans up the temp file of a note whose writer was killed", async () => {
  await using env = await tokenEnv();
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: 10 * MIN });
  env.aws.revokeRefreshTokens();
  const note = (await env.tokenPath(profile)).replace(/\.json$/, ".refresh-failed");
  const [dir, name] = [dirname(note), basename(note)];
  // What a writer killed between its write and its rename leaves, two minutes ago.
  const left = join(dir, `.${name}.4242.abcdef012345.tmp`);
  await Deno.writeTextFile(left, "{}\n", { mode: 0o600 });
  await Deno.utime(left, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
  await getSsoToken(env.rt, profile, { login: "never" });
  assert.match(await Deno.readTextFile(note), /failedAt/);
  const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
  assert.deepEqual(names.filter((n) => n.endsWith(".tmp")), []);
});

Deno.test("getSsoToken() signs in when the refresh is refused and the token is (nearly) expired", async (t) => {
  for (const leftMs of [59_000, 0, -HOUR]) {
    await t.step(`${leftMs / 1000} s left`, async () => {
      await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER } });
      const profile = corpProfile(env.aws.startUrl);
      const issued = await plantToken(env, profile, { leftMs });
      env.aws.revokeRefreshTokens();
      const token = await getSsoToken(env.rt, profile);
      const c = env.aws.counters;
      assert.equal(c.createToken.refresh_token, 1);
      assert.equal(c.authorize, 1);
      assert.equal(c.createToken.authorization_code, 1);
      assert.notEqual(token.accessToken, issued.accessToken);
      assert.equal(token.accessToken, env.aws.issued.accessTokens.at(-1));
      assert.equal(
        JSON.parse(await Deno.readTextFile(await env.tokenPath(profile))).accessToken,
        token.accessToken,
      );
      assert.equal(env.rt.out(), "");
      assertNoSecrets(env.aws, [env.rt.err()]);
    });
  }
});

Deno.test("getSsoToken() never refreshes a legacy profile's token", async (t) => {
  const cases: [number, "used" | "sign-in"][] = [
    [10 * MIN, "used"],
    [61_000, "used"],
    [60_000, "used"],
    [59_000, "sign-in"],
    [-1000, "sign-in"],
  ];
  for (const [leftMs, expected] of cases) {
    await t.step(`${leftMs / 1000} s left: ${expected}`, async () => {
      await using env = await tokenEnv();
      const profile = legacyProfile(env.aws.startUrl);
      // Even with everything a refresh needs in the file.
      const issued = await plantToken(env, profile, { leftMs });
      if (expected === "used") {
        const token = await getSsoToken(env.rt, profile, { login: "never" });
        assert.equal(token.accessToken, issued.accessToken);
      } else {
        const err = await rejection(() => getSsoToken(env.rt, profile, { login: "never" }));
        assert.ok(err instanceof SsoError && err.code === "LOGIN_REQUIRED", errorText(err));
        assert.match(err.message, /has expired/);
      }
      assert.equal(oidcCalls(env.aws), 0);
    });
  }
});

Deno.test("getSsoToken() does not refresh without a live registration or refresh token", async (t) => {
  await t.step("registration expired", async () => {
    await using env = await tokenEnv();
    const profile = corpProfile(env.aws.startUrl);
    const issued = await plantToken(env, profile, { leftMs: 5 * MIN, registrationLeftMs: -1000 });
    assert.equal((await getSsoToken(env.rt, profile)).accessToken, issued.accessToken);
    assert.equal(oidcCalls(env.aws), 0);
  });
  await t.step("no refresh token", async () => {
    await using env = await tokenEnv();
    const profile = corpProfile(env.aws.startUrl);
    const issued = await plantToken(env, profile, { leftMs: 5 * MIN, refreshable: false });
    assert.equal((await getSsoToken(env.rt, profile)).accessToken, issued.accessToken);
    assert.equal(oidcCalls(env.aws), 0);
  });
});

Deno.test('getSsoToken() with login: "never" fails with LOGIN_REQUIRED naming the command', async (t) => {
  const cases = [
    { what: "no token", leftMs: null, why: /there is no SSO session yet/ },
    { what: "an expired token", leftMs: -MIN, why: /the SSO session has expired/ },
  ];
  for (const c of cases) {
    await t.step(c.what, async () => {
      // A browser is there: the policy alone decides.
      await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER } });
      const profile = corpProfile(env.aws.startUrl);
      if (c.leftMs !== null) {
        await plantToken(env, profile, { leftMs: c.leftMs, refreshable: false });
      }
      const err = await rejection(() => getSsoToken(env.rt, profile, { login: "never" }));
      assert.ok(err instanceof SsoError, errorText(err));
      assert.equal(err.code, "LOGIN_REQUIRED");
      assert.match(err.message, /^Cannot get credentials for profile "corp": /);
      assert.match(err.message, c.why);
      assert.equal(err.hint, "sign in with: aws-sso -p corp --login");
      assert.equal(oidcCalls(env.aws), 0);
      assert.equal(env.spawned.length, 0, "no browser opened");
    });
  }
  await t.step("a custom loginCommand", async () => {
    await using env = await tokenEnv();
    const profile = corpProfile(env.aws.startUrl);
    const err = await rejection(() =>
      getSsoToken(env.rt, profile, { login: "never", loginCommand: "my-tool login corp" })
    );
    assert.ok(err instanceof SsoError);
    assert.equal(err.hint, "sign in with: my-tool login corp");
  });
});

Deno.test('getSsoToken() with login: "browser-only" fails at once where no browser can be opened', async (t) => {
  const cases: Record<string, Record<string, string>> = {
    "no BROWSER, no DISPLAY": {},
    "an SSH session with a DISPLAY": { DISPLAY: ":0", SSH_CONNECTION: "10.0.0.1 22 10.0.0.2 22" },
  };
  for (const [what, vars] of Object.entries(cases)) {
    for (const profileKind of ["sso-session", "legacy"] as const) {
      await t.step(`${what}, ${profileKind}`, async () => {
        await using env = await tokenEnv({ env: vars });
        const profile = profileKind === "legacy"
          ? legacyProfile(env.aws.startUrl)
          : corpProfile(env.aws.startUrl);
        const started = performance.now();
        const err = await rejection(() => getSsoToken(env.rt, profile, { login: "browser-only" }));
        assert.ok(performance.now() - started < 2000, "it waited");
        assert.ok(err instanceof SsoError && err.code === "LOGIN_REQUIRED", errorText(err));
        assert.equal(
          err.hint,
          `no browser can be opened here; sign in with: aws-sso -p ${profile.profileName} --login`,
        );
        assert.equal(oidcCalls(env.aws), 0);
        assert.equal(env.spawned.length, 0);
        assert.equal(env.rt.err(), "");
      });
    }
  }
});

Deno.test('getSsoToken() with login: "browser-only" signs in where a browser can be opened', async (t) => {
  await t.step("sso-session: PKCE", async () => {
    await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER } });
    const profile = corpProfile(env.aws.startUrl);
    const token = await getSsoToken(env.rt, profile, { login: "browser-only" });
    assert.equal(env.aws.counters.createToken.authorization_code, 1);
    assert.equal(token.accessToken, env.aws.issued.accessTokens.at(-1));
    assert.equal(env.rt.out(), "");
  });
  await t.step("legacy: device code, the browser opens the pre-filled URL", async () => {
    await using env = await tokenEnv({
      env: { BROWSER: FAKE_BROWSER },
      fake: { deviceApproveAfterPolls: null },
      fakeSleep: true,
    });
    const profile = legacyProfile(env.aws.startUrl);
    const token = await getSsoToken(env.rt, profile, { login: "browser-only" });
    assert.equal(env.aws.counters.createToken.device_code, 2);
    assert.equal(token.accessToken, env.aws.issued.accessTokens.at(-1));
    assert.match(env.spawned[0]!.args.at(-1)!, /\/device\?user_code=/);
  });
});

/** The two sign-in flows, with a fake whose device code waits for the browser's visit. */
const BROWSER_FLOWS = [
  ["sso-session: PKCE", corpProfile, {}],
  ["legacy: device code", legacyProfile, { deviceApproveAfterPolls: null }],
] as const;

Deno.test('getSsoToken() with login: "browser-only" fails at once when the browser does not open', async (t) => {
  for (const [name, profileOf, fake] of BROWSER_FLOWS) {
    await t.step(name, async () => {
      // An opener that fails (as a broken BROWSER or a missing xdg-open does): nobody would see
      // the URL inside a credential_process, so waiting 10 minutes would be a silent hang.
      await using env = await tokenEnv({
        env: { BROWSER: "false" },
        fake,
        spawn: () => Promise.resolve(1),
      });
      const profile = profileOf(env.aws.startUrl);
      const err = await rejection(() =>
        getSsoToken(env.rt, profile, {
          login: "browser-only",
          loginCommand: "aws-sso -p corp --login",
          timeoutMs: 2_000, // without the fast failure: LOGIN_TIMEOUT after 2 s
        })
      );
      assert.ok(err instanceof SsoError && err.code === "LOGIN_REQUIRED", String(err));
      assert.match(
        errorText(err),
        /browser could not be opened[^]*sign in with: aws-sso -p corp --login/,
      );
      assert.equal(env.spawned.length, 1, "the opener was tried");
      assert.equal(env.aws.counters.createToken.authorization_code, 0);
      assert.equal(env.rt.out(), "");
    });
  }
});

Deno.test('getSsoToken() with login: "browser-only" signs in when the browser stays open', async (t) => {
  for (const [name, profileOf, fake] of BROWSER_FLOWS) {
    await t.step(name, async () => {
      // `firefox URL` when Firefox was not running (or xdg-open on some desktops) runs until the
      // browser is closed, and the user signs in meanwhile: still running is no failure to open.
      await using env = await tokenEnv({
        env: { BROWSER: "firefox" },
        fake,
        fakeSleep: true,
        spawn: async (_command, args) => {
          const res = await fetch(args.at(-1)!); // the user approves; redirects are followed
          await res.body?.cancel();
          return null; // and the browser is still open when aws-sso stops waiting for it
        },
      });
      const profile = profileOf(env.aws.startUrl);
      const token = await getSsoToken(env.rt, profile, { login: "browser-only" });
      assert.equal(token.accessToken, env.aws.issued.accessTokens.at(-1));
      assert.equal(env.spawned.length, 1);
    });
  }
});

Deno.test("getSsoToken() signs in once when 20 callers in one process ask at the same moment", async () => {
  await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER } });
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: -MIN, refreshable: false });
  const tokens = await Promise.all(
    Array.from({ length: 20 }, () => getSsoToken(env.rt, profile, { login: "browser-only" })),
  );
  assert.equal(env.aws.counters.authorize, 1);
  assert.equal(env.aws.counters.createToken.authorization_code, 1);
  assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
});

Deno.test("getSsoToken() does not repeat for each waiting caller a sign-in that failed", async () => {
  // The user denies (or closes the tab, or lets it time out): the callers queued behind that
  // sign-in fail with it, instead of each opening a sign-in of its own, one after another.
  await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER }, fake: { userDenies: true } });
  const profile = corpProfile(env.aws.startUrl);
  const results = await Promise.allSettled(
    Array.from({ length: 5 }, () => getSsoToken(env.rt, profile, { login: "browser-only" })),
  );
  assert.equal(env.aws.counters.authorize, 1);
  for (const r of results) {
    assert.ok(r.status === "rejected", "no token");
    const err = r.reason;
    assert.ok(err instanceof SsoError && err.code === "LOGIN_FAILED", errorText(err));
  }
  const waiters = results.map((r) => errorText((r as PromiseRejectedResult).reason))
    .filter((text) => /another aws-sso process/.test(text));
  assert.equal(waiters.length, 4);
  for (const text of waiters) {
    assert.match(text, /refused: access_denied[^]*sign in with: aws-sso -p corp --login/);
  }
  // Asked after that failure: a sign-in of its own.
  env.rt.advance(1_000);
  await rejection(() => getSsoToken(env.rt, profile, { login: "browser-only" }));
  assert.equal(env.aws.counters.authorize, 2);
  assertNoSecrets(env.aws, [env.rt.err(), ...waiters]);
});

Deno.test("getSsoToken() is not held back by a failed sign-in noted in the future (the clock was set back)", async () => {
  await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER }, fake: { userDenies: true } });
  const profile = corpProfile(env.aws.startUrl);
  await rejection(() => getSsoToken(env.rt, profile, { login: "browser-only" }));
  assert.equal(env.aws.counters.authorize, 1);
  env.rt.advance(-HOUR); // the clock goes back an hour, then on 10 minutes
  env.rt.advance(10 * MIN);
  const err = await rejection(() => getSsoToken(env.rt, profile, { login: "browser-only" }));
  assert.equal(env.aws.counters.authorize, 2, `a sign-in of its own: ${errorText(err)}`);
});

Deno.test("getSsoToken() refreshes once when 20 callers in one process ask at the same moment", async () => {
  await using env = await tokenEnv();
  const profile = corpProfile(env.aws.startUrl);
  await plantToken(env, profile, { leftMs: 5 * MIN });
  const tokens = await Promise.all(
    Array.from({ length: 20 }, () => getSsoToken(env.rt, profile, { login: "never" })),
  );
  assert.equal(env.aws.counters.createToken.refresh_token, 1);
  assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
  assert.equal(tokens[0]!.accessToken, env.aws.issued.accessTokens.at(-1));
});

Deno.test("getSsoToken() with rejected signs in again only if no one else already has", async () => {
  await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER } });
  const profile = corpProfile(env.aws.startUrl);
  const issued = await plantToken(env, profile, { leftMs: 8 * HOUR, refreshable: false });
  // The portal refused `issued`: sign in.
  const renewed = await getSsoToken(env.rt, profile, { rejected: issued.accessToken });
  assert.equal(env.aws.counters.createToken.authorization_code, 1);
  assert.notEqual(renewed.accessToken, issued.accessToken);
  // A second process that was refused the same old token takes the new one.
  const again = await getSsoToken(env.rt, profile, { rejected: issued.accessToken });
  assert.equal(again.accessToken, renewed.accessToken);
  assert.equal(env.aws.counters.createToken.authorization_code, 1);
});

Deno.test("getSsoToken() with force signs in even with a fresh token", async () => {
  await using env = await tokenEnv({ env: { BROWSER: FAKE_BROWSER } });
  const profile = corpProfile(env.aws.startUrl);
  const issued = await plantToken(env, profile, { leftMs: 8 * HOUR });
  const token = await getSsoToken(env.rt, profile, { force: true });
  assert.notEqual(token.accessToken, issued.accessToken);
  assert.equal(env.aws.counters.createToken.refresh_token, 0);
  assert.equal(env.aws.counters.createToken.authorization_code, 1);
});

Deno.test("on Windows the sign-in URL goes to the default browser whole, as one argument, past no cmd.exe", async () => {
  const spawned: [string, string[]][] = [];
  const rt = {
    ...testRuntime({ home: "/nonexistent" }),
    os: "windows" as const,
    spawn: (command: string, args: string[]) => {
      spawned.push([command, args]);
      return Promise.resolve(0);
    },
  };
  // cmd /c start "" URL would end the command at the first & of the URL.
  const url =
    "https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&client_id=x&state=y";
  assert.equal(await openBrowser(rt, url), true);
  assert.deepEqual(spawned, [["rundll32", ["url.dll,FileProtocolHandler", url]]]);
  assert.ok(runFlags(rt.env, "windows").includes("--allow-run=rundll32,aws"));
});

Deno.test("under WSL an sso-session signs in with the device code: the Windows browser may not reach WSL's loopback", async () => {
  const opened: string[] = [];
  await using env = await tokenEnv({
    env: { WSL_DISTRO_NAME: "Ubuntu" },
    fake: { deviceApproveAfterPolls: null },
    fakeSleep: true,
    spawn: async (command, args) => {
      opened.push(command);
      const res = await fetch(args.at(-1)!); // the user approves the pre-filled code
      await res.body?.cancel();
      return 0;
    },
  });
  const profile = corpProfile(env.aws.startUrl);
  const token = await getSsoToken(env.rt, profile, { login: "browser-only" });
  assert.equal(token.accessToken, env.aws.issued.accessTokens.at(-1));
  assert.deepEqual(opened, ["wslview"]);
  assert.equal(env.aws.counters.authorize, 0, "no loopback redirect");
  assert.equal(env.aws.counters.createToken.device_code >= 1, true);
});
