/**
 * The token cache judged by the real readers and writers: botocore 1.29 and the botocore vendored
 * in awscli 2.9 (Debian, /usr/bin/python3), and the AWS SDK for JavaScript's `fromSso`. These
 * tests fail, never skip, when python3-botocore or awscli is missing: CI installs them.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { getSsoToken } from "../../src/token/get_sso_token.ts";
import { login } from "../../src/token/login_command.ts";
import { pythonJsonDumps } from "../../src/token/python_json.ts";
import type { SsoToken } from "../../src/token/sso_token.ts";
import { readToken, writeToken } from "../../src/token/token_store.ts";
import { cliEnv, writeSsoConfig } from "../e2e/_cli.ts";
import { corpProfile, legacyProfile, oidcCalls, plantToken, ROOT, tokenEnv } from "./_fixtures.ts";
import { python } from "./_python.ts";

const posix = Deno.build.os !== "windows";
const HOUR = 3_600_000;

/** botocore reads a token file: SSOTokenLoader, and for sso-session profiles SSOTokenProvider. */
const BOTOCORE_READS = `
import json, sys
from botocore.utils import SSOTokenLoader, JSONFileCache
import botocore.session
from botocore.tokens import SSOTokenProvider

cache_dir, start_url, session_name, profile = sys.argv[1:5]
out = {}
token = SSOTokenLoader(cache=JSONFileCache(cache_dir))(start_url, session_name=session_name or None)
out["loader"] = token
if session_name:
    session = botocore.session.Session(profile=profile)
    frozen = SSOTokenProvider(session).load_token().get_frozen_token()
    out["provider"] = {"token": frozen.token, "expiration": frozen.expiration.timestamp()}
print(json.dumps(out))
`;

/** botocore writes a token file (SSOTokenLoader.save_token into a JSONFileCache). */
const BOTOCORE_WRITES = `
import datetime, json, sys
from dateutil.tz import tzutc
from botocore.utils import SSOTokenLoader, JSONFileCache
from botocore.tokens import _sso_json_dumps

(cache_dir, how, start_url, session_name, access, expires, client_id, client_secret, reg_expires,
 refresh) = sys.argv[1:11]
def when(epoch):
    t = datetime.datetime.fromtimestamp(int(epoch), tzutc())
    # isoformat: the "+00:00" form with microseconds that other writers use
    return t.replace(microsecond=250000).isoformat() if how == "isoformat" else t
token = {"startUrl": start_url, "region": "us-east-1", "accessToken": access,
         "expiresAt": when(expires), "clientId": client_id, "clientSecret": client_secret,
         "registrationExpiresAt": when(reg_expires), "refreshToken": refresh}
# "sso": the CLI's and SSOTokenProvider's dumps (…Z); "default": JSONFileCache's own (…UTC)
cache = JSONFileCache(cache_dir, dumps_func=_sso_json_dumps) if how == "sso" else JSONFileCache(cache_dir)
SSOTokenLoader(cache=cache).save_token(start_url, token, session_name=session_name or None)
print(json.dumps({}))
`;

/** The AWS CLI v2's SSOTokenFetcher (vendored botocore): registration cache key and reuse. */
const CLI_REGISTRATION = `
import functools, json, sys
from awscli.botocore.session import get_session
from awscli.botocore.utils import SSOTokenFetcher, JSONFileCache
from awscli.customizations.sso.utils import _sso_json_dumps

cache_dir, mode, url, start_url, region, session_name, scopes = sys.argv[1:8]
session_name = session_name or None
scopes = json.loads(scopes)
def no_client(*args, **kwargs):
    raise AssertionError("SSOTokenFetcher wanted to register a new client")
creator = functools.partial(get_session().create_client, endpoint_url=url) if mode == "register" else no_client
fetcher = SSOTokenFetcher(region, creator, cache=JSONFileCache(cache_dir, dumps_func=_sso_json_dumps))
registration = fetcher._registration(start_url, session_name, scopes)
print(json.dumps({"key": fetcher._registration_cache_key(start_url, session_name, scopes),
                  "clientId": registration["clientId"]}))
`;

function epochSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

Deno.test("writeToken() bytes equal what botocore writes for the same token", async (t) => {
  for (const kind of ["sso-session", "legacy"] as const) {
    await t.step(kind, async () => {
      await using env = await tokenEnv();
      const profile = kind === "legacy"
        ? legacyProfile(env.aws.startUrl)
        : corpProfile(env.aws.startUrl);
      const now = env.rt.now();
      const token: SsoToken = {
        startUrl: profile.startUrl,
        region: "us-east-1",
        accessToken: "aoa-token",
        expiresAt: now + 8 * HOUR,
        clientId: "client-1",
        clientSecret: "cs-secret",
        registrationExpiresAt: now + 90 * 24 * HOUR,
        refreshToken: "aor-refresh-Ω", // non-ASCII: Python escapes it as \\u03a9
      };
      const botocoreDir = join(env.home, "botocore");
      await python(BOTOCORE_WRITES, [
        botocoreDir,
        "sso",
        profile.startUrl,
        profile.sessionName ?? "",
        token.accessToken,
        epochSeconds(token.expiresAt),
        token.clientId!,
        token.clientSecret!,
        epochSeconds(token.registrationExpiresAt!),
        token.refreshToken!,
      ]);
      await writeToken(env.rt, profile, token);
      const name = (await env.tokenPath(profile)).split("/").pop()!;
      const theirs = await Deno.readTextFile(join(botocoreDir, name));
      assert.equal(await Deno.readTextFile(await env.tokenPath(profile)), theirs);
      if (posix) {
        assert.equal((await Deno.stat(join(botocoreDir, name))).mode! & 0o777, 0o600);
        assert.equal((await Deno.stat(await env.tokenPath(profile))).mode! & 0o777, 0o600);
      }
    });
  }
});

Deno.test("a token aws-sso writes is read by botocore's SSOTokenLoader and SSOTokenProvider", async (t) => {
  for (const kind of ["sso-session", "legacy"] as const) {
    await t.step(kind, async () => {
      await using env = await tokenEnv({ env: { BROWSER: "/bin/true" } });
      const config = await writeSsoConfig(env.home, env.aws.startUrl);
      const profile = kind === "legacy"
        ? legacyProfile(env.aws.startUrl)
        : corpProfile(env.aws.startUrl);
      const now = env.rt.now();
      const token: SsoToken = {
        startUrl: profile.startUrl,
        region: "us-east-1",
        accessToken: "aoa-ours",
        expiresAt: now + 8 * HOUR,
        clientId: "cid",
        clientSecret: "cs",
        registrationExpiresAt: now + 90 * 24 * HOUR,
        refreshToken: "aor",
      };
      await writeToken(env.rt, profile, token);
      const out = await python(
        BOTOCORE_READS,
        [env.cacheDir, profile.startUrl, profile.sessionName ?? "", profile.profileName],
        { HOME: env.home, AWS_CONFIG_FILE: config },
      ) as {
        loader: Record<string, string>;
        provider?: { token: string; expiration: number };
      };
      assert.equal(out.loader.accessToken, "aoa-ours");
      assert.equal(Date.parse(out.loader.expiresAt!), Math.floor(token.expiresAt / 1000) * 1000);
      if (kind === "sso-session") {
        assert.deepEqual(out.provider, {
          token: "aoa-ours",
          expiration: Math.floor(token.expiresAt / 1000),
        });
      }
    });
  }
});

Deno.test("a token botocore writes is read and used by aws-sso without any OIDC call", async (t) => {
  for (const how of ["sso", "default", "isoformat"] as const) {
    await t.step(`${how} dumps`, async () => {
      await using env = await tokenEnv();
      const profile = corpProfile(env.aws.startUrl);
      const issued = env.aws.issueTokens();
      const now = env.rt.now();
      await python(BOTOCORE_WRITES, [
        env.cacheDir,
        how,
        profile.startUrl,
        "corp",
        issued.accessToken,
        epochSeconds(now + 8 * HOUR),
        issued.clientId,
        issued.clientSecret,
        String(issued.clientSecretExpiresAt),
        issued.refreshToken!,
      ]);
      const text = await Deno.readTextFile(await env.tokenPath(profile));
      if (how === "default") assert.match(text, /"expiresAt": "[0-9-]+T[0-9:]+UTC"/);
      if (how === "isoformat") assert.match(text, /"expiresAt": "[0-9-]+T[0-9:]+\.250000\+00:00"/);
      const fraction = how === "isoformat" ? 250 : 0;
      assert.deepEqual(await readToken(env.rt, profile), {
        startUrl: profile.startUrl,
        region: "us-east-1",
        accessToken: issued.accessToken,
        expiresAt: Math.floor((now + 8 * HOUR) / 1000) * 1000 + fraction,
        clientId: issued.clientId,
        clientSecret: issued.clientSecret,
        registrationExpiresAt: issued.clientSecretExpiresAt * 1000 + fraction,
        refreshToken: issued.refreshToken,
      });
      const token = await getSsoToken(env.rt, profile, { login: "never" });
      assert.equal(token.accessToken, issued.accessToken);
      assert.equal(oidcCalls(env.aws), 0);
    });
  }
});

Deno.test("a botocore-written token is refreshed by aws-sso and rewritten in botocore's format", async () => {
  await using env = await tokenEnv();
  const profile = corpProfile(env.aws.startUrl);
  const issued = env.aws.issueTokens();
  const now = env.rt.now();
  await python(BOTOCORE_WRITES, [
    env.cacheDir,
    "default",
    profile.startUrl,
    "corp",
    issued.accessToken,
    epochSeconds(now + 10 * 60_000),
    issued.clientId,
    issued.clientSecret,
    String(issued.clientSecretExpiresAt),
    issued.refreshToken!,
  ]);
  const token = await getSsoToken(env.rt, profile, { login: "never" });
  assert.equal(env.aws.counters.createToken.refresh_token, 1);
  assert.equal(token.accessToken, env.aws.issued.accessTokens.at(-1));
  const out = await python(
    BOTOCORE_READS,
    [env.cacheDir, profile.startUrl, "corp", "corp"],
    { HOME: env.home, AWS_CONFIG_FILE: await writeSsoConfig(env.home, env.aws.startUrl) },
  ) as { loader: Record<string, string> };
  assert.equal(out.loader.accessToken, token.accessToken);
  assert.equal(out.loader.refreshToken, env.aws.issued.refreshTokens.at(-1));
  assert.match(out.loader.expiresAt!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

Deno.test("client registrations: the AWS CLI's and aws-sso's find each other's", async (t) => {
  const cases = [
    { kind: "sso-session", session: "corp", scopes: ["sso:account:access"] },
    { kind: "legacy", session: "", scopes: null },
  ] as const;
  for (const c of cases) {
    await t.step(`${c.kind}: the AWS CLI registers, aws-sso reuses`, async () => {
      await using env = await tokenEnv({ fake: { deviceApproveAfterPolls: 0 } });
      const profile = c.kind === "legacy"
        ? legacyProfile(env.aws.startUrl)
        : corpProfile(env.aws.startUrl);
      const theirs = await python(CLI_REGISTRATION, [
        env.cacheDir,
        "register",
        env.aws.url,
        profile.startUrl,
        "us-east-1",
        c.session,
        JSON.stringify(c.scopes),
      ]) as { key: string; clientId: string };
      assert.equal(env.aws.counters.registerClient, 1);
      const token = await login(env.rt, profile, { useDeviceCode: true });
      assert.equal(env.aws.counters.registerClient, 1, "aws-sso registered again");
      assert.equal(token.clientId, theirs.clientId);
    });
    await t.step(`${c.kind}: aws-sso registers, the AWS CLI reuses`, async () => {
      await using env = await tokenEnv({ fake: { deviceApproveAfterPolls: 0 } });
      const profile = c.kind === "legacy"
        ? legacyProfile(env.aws.startUrl)
        : corpProfile(env.aws.startUrl);
      const token = await login(env.rt, profile, { useDeviceCode: true });
      const theirs = await python(CLI_REGISTRATION, [
        env.cacheDir,
        "reuse",
        env.aws.url,
        profile.startUrl,
        "us-east-1",
        c.session,
        JSON.stringify(c.scopes),
      ]) as { key: string; clientId: string };
      assert.equal(theirs.clientId, token.clientId);
      const names: string[] = [];
      for await (const e of Deno.readDir(env.cacheDir)) names.push(e.name);
      assert.ok(names.includes(`${theirs.key}.json`), `${theirs.key}.json not in ${names}`);
    });
  }
});

Deno.test("pythonJsonDumps() matches Python's json.dumps byte for byte", async () => {
  const values = [
    "plain",
    'quote " and backslash \\',
    "tab\t newline\n cr\r bell\u0007 unit\u001f",
    "del\u007f",
    "latin é, greek Ω, cjk 中",
    "emoji 😀",
    "line sep \u2028 para sep \u2029",
    "</script>",
  ];
  // Keys Python sorts by code point, where UTF-16 order differs: U+FF01 before U+1F600.
  const value = {
    b: values,
    a: null,
    c: [true, false, 0, 12345],
    "é": { z: "1", y: [] },
    "\u{1F600}": 1,
    "\uFF01": 2,
  };
  const theirs = await python(
    `import json, sys
v = json.loads(sys.argv[1])
print(json.dumps({"sorted": json.dumps(v, sort_keys=True), "unsorted": json.dumps(v),
                  "compact": json.dumps(v, separators=(",", ":"), sort_keys=True)}))`,
    [JSON.stringify(value)],
  ) as Record<string, string>;
  assert.equal(pythonJsonDumps(value, { sortKeys: true }), theirs.sorted);
  assert.equal(pythonJsonDumps(value), theirs.unsorted);
  assert.equal(pythonJsonDumps(value, { sortKeys: true, separators: [",", ":"] }), theirs.compact);
});

/** Runs `_js_sdk_child.ts` with HOME set to the temp HOME. */
async function jsSdkToken(
  home: string,
  endpoint: string,
): Promise<{ token?: string; expiration?: number; error?: string; message?: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      "--config",
      join(ROOT, "deno.json"),
      join(ROOT, "tests", "token", "_js_sdk_child.ts"),
      "corp",
      endpoint,
    ],
    env: cliEnv({ home, env: { AWS_CONFIG_FILE: join(home, ".aws", "config") } }),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("a token aws-sso writes is accepted by the JS SDK's fromSso", async () => {
  await using env = await tokenEnv();
  await writeSsoConfig(env.home, env.aws.startUrl);
  const profile = corpProfile(env.aws.startUrl);
  const expiresAt = env.rt.now() + 8 * HOUR;
  await writeToken(env.rt, profile, {
    startUrl: profile.startUrl,
    region: "us-east-1",
    accessToken: "aoa-ours",
    expiresAt,
  });
  assert.deepEqual(await jsSdkToken(env.home, env.aws.url), {
    token: "aoa-ours",
    expiration: Math.floor(expiresAt / 1000) * 1000,
  });
  assert.equal(oidcCalls(env.aws), 0);
});

Deno.test("the JS SDK refreshes a token aws-sso wrote, and aws-sso reads what it wrote back", async () => {
  await using env = await tokenEnv();
  await writeSsoConfig(env.home, env.aws.startUrl);
  const profile = corpProfile(env.aws.startUrl);
  // Less than the JS SDK's 5-minute window left: it refreshes and writes its own format.
  await plantToken(env, profile, { leftMs: 4 * 60_000 });
  const js = await jsSdkToken(env.home, env.aws.url);
  assert.equal(env.aws.counters.createToken.refresh_token, 1);
  assert.equal(js.token, env.aws.issued.accessTokens.at(-1));
  const text = await Deno.readTextFile(await env.tokenPath(profile));
  assert.match(text, /^\{\n {2}"startUrl"/); // JSON.stringify(…, null, 2)
  assert.match(text, /"expiresAt": "[0-9-]+T[0-9:]+\.\d{3}Z"/);
  const ours = await readToken(env.rt, profile);
  assert.equal(ours?.accessToken, js.token);
  assert.equal(ours?.refreshToken, env.aws.issued.refreshTokens.at(-1));
  assert.equal(ours?.expiresAt, js.expiration);
  // And it is good for 8 hours: used as is.
  const token = await getSsoToken(env.rt, profile, { login: "never" });
  assert.equal(token.accessToken, js.token);
  assert.equal(env.aws.counters.createToken.refresh_token, 1);
});
