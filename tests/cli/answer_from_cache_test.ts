/**
 * The hot path on its own (`answerFromCache`, run by `cli.ts` before `main()`): it answers exactly
 * as `main()` would, from the cache and without the portal, or leaves the command to `main()`;
 * it writes nothing; its one-file build acts as its sources do; and the committed builds are
 * made from the current sources.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import { answerFromCache } from "../../src/cli/answer_from_cache.ts";
// @ts-types="../../src/cli/answer_from_cache.ts"
import { answerFromCache as answerFromBundle } from "../../src/cli/answer_from_cache.bundle.js";
import { main } from "../../src/cli/main.ts";
import { parseFlags, profileNameOf } from "../../src/cli/parse_flags.ts";
import { loadSsoProfile } from "../../src/config/load_sso_profile.ts";
import { roleCachePath } from "../../src/portal/role_credentials_cache.ts";
import { startFakeAws } from "../../testing/mod.ts";
import {
  bodyHash,
  BUILDS,
  bundledSources,
  misplacedMeta,
  recordedHashes,
  sourcesHash,
  strayImports,
} from "../../scripts/build.ts";
import { ROLE_ARN } from "../e2e/_fixtures.ts";
import { issueSession } from "../e2e/_session.ts";
import { writeSsoConfig } from "../e2e/_cli.ts";
import { snapshot, testRuntime, withTmpDir } from "../helpers.ts";

const CORP = ["-p", "corp", "-r", ROLE_ARN, "-ext"];

/** Command lines, and whether each is answered when the role's credentials are cached. */
const CASES: [string[], boolean, Record<string, string>?][] = [
  [CORP, true],
  [["-p", "corp", "--account", "111111111111", "--role", "ReadOnly", "-ext"], true],
  [["-p", "legacy", "-ext"], true], // the profile's own role
  [["-r", ROLE_ARN, "-ext"], true, { AWS_PROFILE: "corp" }],
  [["--ext", "--prof", "corp", "--role", ROLE_ARN], true], // the Python tool's spellings
  [[...CORP, "--no-login", "--debug"], true],
  [[...CORP, "--login"], false],
  [[...CORP, "--help"], false],
  [[...CORP, "--version"], false],
  [["-p", "corp", "-r", ROLE_ARN, "-env"], false],
  [["-p", "corp", "-r", ROLE_ARN], false],
  [["-p", "corp", "-ext"], false], // no role: a usage error
  [["-p", "nope", "-r", ROLE_ARN, "-ext"], false],
  [["-p", "corp", "-r", "arn:aws:iam::1:role/x", "-ext"], false],
  [["-p", "corp", "-r", "arn:aws:iam::222222222222:role/ReadOnly", "-ext"], false], // not cached
  [["-p", "legacy", ...CORP], true], // the last -p counts, for both
];

/** What is in the cache when the case runs. */
const STATES: Record<string, (file: string, now: number) => Promise<void>> = {
  "credentials with an hour left": () => Promise.resolve(),
  "credentials with 10 minutes left": (file, now) => setExpiration(file, now + 10 * 60_000),
  "no cache file": (file) => Deno.remove(file),
  "a corrupt cache file": (file) => Deno.writeTextFile(file, '{"ProviderType": "sso", "Cred'),
  "an entry of another start URL": async (file) => {
    const entry = JSON.parse(await Deno.readTextFile(file));
    await Deno.writeTextFile(file, JSON.stringify({ ...entry, StartUrl: "https://other/start" }));
  },
};

async function setExpiration(file: string, at: number): Promise<void> {
  const entry = JSON.parse(await Deno.readTextFile(file));
  entry.Credentials.Expiration = new Date(at).toISOString().replace(/\.\d+Z$/, "Z");
  await Deno.writeTextFile(file, JSON.stringify(entry));
}

Deno.test("answerFromCache answers as main() does from the cache, or leaves it to main()", async (t) => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  const home = tmp.path;
  await writeSsoConfig(home, aws.startUrl);
  await issueSession(aws, home, "corp");
  await issueSession(aws, home, aws.startUrl); // the legacy profile's: named by its start URL
  const now = Date.now();
  const runtime = (env: Record<string, string> = {}) =>
    testRuntime({ home, now, env: { ...aws.env, ...env } });
  // Fill the cache of both roles the cases name, as a first call does.
  for (const args of [CORP, ["-p", "legacy", "-ext"]]) {
    const rt = runtime();
    assert.equal(await main(args, rt), 0, rt.err());
  }
  const rt = runtime();
  const role = { accountId: "111111111111", roleName: "ReadOnly" };
  const files = await Promise.all(
    ["corp", "legacy"].map(async (p) => roleCachePath(await loadSsoProfile(rt, p), role, rt.env)),
  );
  const filled = await Promise.all(files.map((f) => Deno.readTextFile(f)));

  for (const [state, prepare] of Object.entries(STATES)) {
    await t.step(state, async () => {
      let answered = 0;
      let misses = 0;
      for (const [args, cachedAnswer, env] of CASES) {
        await Promise.all(files.map((f, i) => Deno.writeTextFile(f, filled[i]!)));
        for (const f of files) await prepare(f, now);
        const before = await snapshot(home);
        const found = await answerFromCache(args, runtime(env));
        const answer = found?.answer;
        const what = `${args.join(" ")} with ${state}`;
        assert.deepEqual(await snapshot(home), before, `${what}: wrote nothing`);
        assert.deepEqual(await answerFromBundle(args, runtime(env)), found, `${what}: the build`);
        const expected = cachedAnswer && state === "credentials with an hour left";
        assert.equal(answer !== undefined, expected, `${what}: answered`);
        if (found && answer === undefined) {
          // A miss hands main() what it would read itself.
          const flags = parseFlags(args);
          assert.deepEqual(found.flags, flags, `${what}: flags`);
          const name = profileNameOf(flags, runtime(env).env);
          assert.deepEqual(found.profile, await loadSsoProfile(runtime(env), name), what);
          misses++;
        }
        if (answer === undefined) continue;
        answered++;
        const calls = aws.counters.getRoleCredentials;
        const rt = runtime(env);
        assert.equal(await main(args, rt), 0, `${what}: main: ${rt.err()}`);
        assert.equal(answer, rt.out(), `${what}: as main() prints it`);
        assert.equal(rt.err(), "");
        assert.equal(aws.counters.getRoleCredentials, calls, `${what}: no portal call`);
      }
      const fresh = state === "credentials with an hour left";
      assert.equal(answered, fresh ? CASES.filter(([, yes]) => yes).length : 0);
      // Every -ext call of a known profile that it does not answer is a miss main() goes on from.
      assert.equal(misses, fresh ? 2 : CASES.filter(([, yes]) => yes).length + 2);
    });
  }

  await t.step("a config file it cannot parse", async () => {
    await Deno.writeTextFile(join(home, ".aws", "config"), "[profile corp\nsso_session = corp\n");
    assert.equal(await answerFromCache(CORP, runtime()), undefined);
    assert.equal(await answerFromBundle(CORP, runtime()), undefined);
  });
});

/** Command lines: a profile, a role and a mode, some of each left out, and other flags. */
const COMMAND_LINES = fc.tuple(
  fc.constantFrom([], ["-p", "corp"], ["-p", "legacy"], ["--profile=corp"], ["--prof", "nope"]),
  fc.constantFrom(
    [],
    ["-r", ROLE_ARN],
    ["--role", ROLE_ARN],
    ["--account", "111111111111", "--role", "ReadOnly"],
    ["-r", "arn:aws:iam::222222222222:role/ReadOnly"],
  ),
  fc.constantFrom([], ["-ext"], ["--ext"], ["--external-source"], ["-env"], ["-d"], ["--list"]),
  fc.array(
    fc.constantFrom(
      ["--login"],
      ["--logout"],
      ["--no-login"],
      ["--use-device-code"],
      ["--no-browser"],
      ["--login-with", "aws"],
      ["--debug"],
      ["--help"],
      ["--version"],
      ["--json"],
      ["--format", "fish"],
      ["--write-profile", "scratch"],
      ["--dry-run"],
      ["-ext"],
    ),
    { maxLength: 2 },
  ),
).chain(([profile, role, mode, others]) => {
  const pieces = [profile, role, mode, ...others];
  return fc.shuffledSubarray(pieces, { minLength: pieces.length }).map((p) => p.flat());
});

Deno.test("answerFromCache never answers what main() would not (command lines at random)", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  const home = tmp.path;
  await writeSsoConfig(home, aws.startUrl);
  await issueSession(aws, home, "corp");
  await issueSession(aws, home, aws.startUrl);
  const now = Date.now();
  const runtime = (env: Record<string, string>) =>
    testRuntime({ home, now, env: { ...aws.env, ...env } });
  for (const args of [CORP, ["-p", "legacy", "-ext"]]) {
    assert.equal(await main(args, runtime({})), 0);
  }
  const calls = aws.counters.getRoleCredentials;
  let answered = 0;
  await fc.assert(
    fc.asyncProperty(
      COMMAND_LINES,
      fc.constantFrom({}, { AWS_PROFILE: "corp" }, { AWS_PROFILE: "nope" }),
      async (args, env) => {
        const found = await answerFromCache(args, runtime(env));
        if (found === undefined) return;
        if (found.answer === undefined) {
          assert.deepEqual(found.flags, parseFlags(args));
          const name = profileNameOf(found.flags, runtime(env).env);
          assert.deepEqual(found.profile, await loadSsoProfile(runtime(env), name));
          return;
        }
        answered++;
        const rt = runtime(env);
        assert.equal(await main(args, rt), 0, `${args.join(" ")}: ${rt.err()}`);
        assert.equal(found.answer, rt.out());
        assert.equal(rt.err(), "");
      },
    ),
    { numRuns: 300 },
  );
  assert.equal(aws.counters.getRoleCredentials, calls, "no portal call");
  assert.ok(answered >= 5, `answered ${answered} of 300`); // about 25 on average
});

Deno.test("the committed builds are made from the current sources, and import nothing else", async (t) => {
  for (const build of BUILDS) {
    await t.step(build.bundle, async () => {
      const text = await Deno.readTextFile(new URL(`../../${build.bundle}`, import.meta.url));
      const sources = bundledSources(text);
      assert.ok(sources.includes(build.entry), "names its sources");
      const recorded = recordedHashes(text);
      assert.equal(
        recorded.sources,
        await sourcesHash(sources),
        `${build.bundle} is older than its sources: run \`deno task build\``,
      );
      assert.equal(recorded.body, await bodyHash(text), `${build.bundle} was edited by hand`);
      assert.deepEqual(strayImports(build, text), []);
      assert.deepEqual(misplacedMeta(build, text), []);
    });
  }
});
