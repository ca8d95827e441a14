import assert from "node:assert/strict";
import { join } from "node:path";
import type { SsoProfile } from "../../src/config/resolve_sso_profile.ts";
import { registrationCachePath, tokenCachePath } from "../../src/token/cache_paths.ts";
import { parseAwsTime } from "../../src/aws_time.ts";
import { readToken, writeToken } from "../../src/token/token_store.ts";
import { testRuntime, withTmpDir } from "../helpers.ts";
import { corpProfile, legacyProfile, sha1, zulu } from "./_fixtures.ts";

const START = "https://d-abc.awsapps.com/start";
const posix = Deno.build.os !== "windows";

/** The spec's example session: sso-session "my-sso" at d-abc. */
const MY_SSO: SsoProfile = { ...corpProfile(START, "my-sso"), profileName: "dev" };

async function plant(home: string, name: string, text: string): Promise<string> {
  const dir = join(home, ".aws", "sso", "cache");
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await Deno.writeTextFile(path, text);
  return path;
}

const T = Date.UTC(2026, 10, 25, 19, 0, 0);
const tokenJson = (startUrl: string, expiresAt: string, extra = "") =>
  `{"startUrl": "${startUrl}", "region": "us-east-1", "accessToken": "aoa-example", ` +
  `"expiresAt": "${expiresAt}"${extra}}`;

Deno.test("readToken() finds an sso-session token at sha1(session name)", async () => {
  await using tmp = await withTmpDir();
  const rt = testRuntime({ home: tmp.path });
  assert.equal(await sha1("my-sso"), "0ad374308c5a4e22f723adf10145eafad7c4031c");
  await plant(tmp.path, "0ad374308c5a4e22f723adf10145eafad7c4031c.json", tokenJson(START, zulu(T)));
  assert.equal(
    tokenCachePath(MY_SSO, rt.env),
    join(tmp.path, ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json"),
  );
  assert.deepEqual(await readToken(rt, MY_SSO), {
    startUrl: START,
    region: "us-east-1",
    accessToken: "aoa-example",
    expiresAt: T,
  });
});

Deno.test("readToken() finds a legacy token at sha1(start URL exactly as configured)", async (t) => {
  for (const url of [START, `${START}/`, "https://D-ABC.awsapps.com/start#x"]) {
    await t.step(url, async () => {
      await using tmp = await withTmpDir();
      const rt = testRuntime({ home: tmp.path });
      const profile = legacyProfile(url);
      await plant(tmp.path, `${await sha1(url)}.json`, tokenJson(url, zulu(T)));
      assert.equal((await readToken(rt, profile))?.accessToken, "aoa-example");
      // Not normalised: the same URL spelt otherwise is another file.
      const other = legacyProfile(url.endsWith("/") ? url.slice(0, -1) : `${url}/`);
      assert.equal(await readToken(rt, other), null);
    });
  }
});

Deno.test("registrationCachePath() is botocore's _registration_cache_key (spec example)", () => {
  const rt = testRuntime({ home: "/home/u" });
  assert.equal(
    registrationCachePath(MY_SSO, rt.env),
    "/home/u/.aws/sso/cache/deb8cc906c2b78450415f3bc940056d81e790b51.json",
  );
});

Deno.test("readToken() accepts every time format the AWS tools write", async (t) => {
  const cases: [string, number][] = [
    ["2026-11-25T19:00:00Z", T],
    ["2026-11-25T19:00:00+00:00", T],
    ["2026-11-25T19:00:00.000Z", T],
    ["2026-11-25T19:00:00.5Z", T + 500],
    ["2026-11-25T19:00:00.123456+00:00", T + 123],
    ["2026-11-25T19:00:00UTC", T],
    ["2026-11-25T20:30:00+01:30", T],
    ["2026-11-25T14:00:00-05:00", T],
  ];
  for (const [text, expected] of cases) {
    await t.step(text, async () => {
      await using tmp = await withTmpDir();
      const rt = testRuntime({ home: tmp.path });
      await plant(tmp.path, `${await sha1("my-sso")}.json`, tokenJson(START, text));
      assert.equal((await readToken(rt, MY_SSO))?.expiresAt, expected);
      assert.equal(parseAwsTime(text), expected);
    });
  }
});

Deno.test("readToken() never takes something else for the token", async (t) => {
  const registration = `{"clientId": "c", "clientSecret": "s", "expiresAt": "${zulu(T)}", ` +
    `"scopes": ["sso:account:access"]}`;
  const cases: [string, string | null][] = [
    ["a missing file", null],
    ["a client registration", registration],
    ["a corrupt file", tokenJson(START, zulu(T)).slice(0, 60)],
    ["an empty file", ""],
    ["JSON that is not an object", `["aoa-example"]`],
    ["a token of another start URL", tokenJson("https://d-other.awsapps.com/start", zulu(T))],
    ["a token without accessToken", `{"startUrl": "${START}", "expiresAt": "${zulu(T)}"}`],
    ["an empty accessToken", `{"accessToken": "", "expiresAt": "${zulu(T)}"}`],
    ["a token without expiresAt", `{"startUrl": "${START}", "accessToken": "aoa"}`],
    ["an expiresAt that is not a time", tokenJson(START, "tomorrow")],
    ["an expiresAt that is a number", `{"accessToken": "aoa", "expiresAt": ${T}}`],
  ];
  for (const [what, text] of cases) {
    await t.step(what, async () => {
      await using tmp = await withTmpDir();
      const rt = testRuntime({ home: tmp.path });
      if (text !== null) await plant(tmp.path, `${await sha1("my-sso")}.json`, text);
      assert.equal(await readToken(rt, MY_SSO), null);
    });
  }
  await t.step("a registration at its own path, no token", async () => {
    await using tmp = await withTmpDir();
    const rt = testRuntime({ home: tmp.path });
    await plant(tmp.path, "deb8cc906c2b78450415f3bc940056d81e790b51.json", registration);
    assert.equal(await readToken(rt, MY_SSO), null);
  });
});

Deno.test("readToken() accepts a token without startUrl (older tools) and keeps unknown keys out", async () => {
  await using tmp = await withTmpDir();
  const rt = testRuntime({ home: tmp.path });
  await plant(
    tmp.path,
    `${await sha1("my-sso")}.json`,
    `{"accessToken": "aoa", "expiresAt": "${zulu(T)}", "provider": "x", "refreshToken": ""}`,
  );
  assert.deepEqual(await readToken(rt, MY_SSO), { accessToken: "aoa", expiresAt: T });
});

Deno.test("writeToken() writes botocore's bytes, mode 0600, in folders made 0700", async () => {
  await using tmp = await withTmpDir();
  const rt = testRuntime({ home: tmp.path });
  await writeToken(rt, MY_SSO, {
    startUrl: START,
    region: "us-east-1",
    accessToken: "aoa-1",
    expiresAt: T + 999, // sub-second parts are dropped, as strftime drops them
    clientId: "cid",
    clientSecret: "cs-1",
    registrationExpiresAt: Date.UTC(2027, 1, 23, 18),
    refreshToken: "aor-1",
  });
  const path = join(tmp.path, ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json");
  assert.equal(
    await Deno.readTextFile(path),
    '{"startUrl": "https://d-abc.awsapps.com/start", "region": "us-east-1", ' +
      '"accessToken": "aoa-1", "expiresAt": "2026-11-25T19:00:00Z", "clientId": "cid", ' +
      '"clientSecret": "cs-1", "registrationExpiresAt": "2027-02-23T18:00:00Z", ' +
      '"refreshToken": "aor-1"}',
  );
  if (posix) {
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    for (const dir of [".aws", ".aws/sso", ".aws/sso/cache"]) {
      assert.equal((await Deno.stat(join(tmp.path, dir))).mode! & 0o777, 0o700, dir);
    }
  }
  assert.equal(rt.err(), "");
  // No temp files or locks left behind.
  const names = [];
  for await (const e of Deno.readDir(join(tmp.path, ".aws/sso/cache"))) names.push(e.name);
  assert.deepEqual(names, ["0ad374308c5a4e22f723adf10145eafad7c4031c.json"]);
});

Deno.test("writeToken() leaves out what it does not have, and escapes as Python", async () => {
  await using tmp = await withTmpDir();
  const rt = testRuntime({ home: tmp.path });
  const url = "https://d-abc.awsapps.com/start/café";
  const profile = legacyProfile(url);
  await writeToken(rt, profile, { startUrl: url, accessToken: "aoa", expiresAt: T });
  assert.equal(
    await Deno.readTextFile(tokenCachePath(profile, rt.env)),
    '{"startUrl": "https://d-abc.awsapps.com/start/caf\\u00e9", "accessToken": "aoa", ' +
      '"expiresAt": "2026-11-25T19:00:00Z"}',
  );
  assert.equal((await readToken(rt, profile))?.startUrl, url);
});

Deno.test("writeToken() tightens a token file another tool left readable to 0600", {
  ignore: !posix,
}, async () => {
  await using tmp = await withTmpDir();
  const rt = testRuntime({ home: tmp.path });
  const path = await plant(tmp.path, `${await sha1("my-sso")}.json`, tokenJson(START, zulu(T)));
  await Deno.chmod(path, 0o644);
  await writeToken(rt, MY_SSO, { startUrl: START, accessToken: "aoa-2", expiresAt: T });
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.match(rt.err(), /tightened .* to mode 0600/);
  assert.doesNotMatch(rt.err(), /aoa/);
});
