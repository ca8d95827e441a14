/**
 * Fuzzing with fast-check: config and credentials files (random, and mutated real-world samples
 * from tests/testdata/ini), token cache and role cache files, command lines and service answers,
 * all generated at random, fed to the CLI's `main()` in-process against real files. The tool must
 * only ever fail with its typed errors, reported as one clear line (never "Unexpected error" or a
 * stack), must never write a file it could not read back, and must never echo a secret.
 * Used by `fuzz_test.ts` (small) and `scripts/soak.ts` (full).
 *
 * @module
 */

import { join } from "node:path";
import fc from "fast-check";
import { main } from "../../src/cli/main.ts";
import { IniDocument } from "../../src/config/ini_document.ts";
import { sha1Hex } from "../../src/token/sha1_hex.ts";
import { type FakeAws, startFakeAws } from "../../testing/mod.ts";
import { type TestRuntime, testRuntime } from "../helpers.ts";
import {
  cleanFailureProblem,
  compareHomes,
  HAND_CREDENTIALS_CHUNKS,
  handConfigChunks,
  ROLE_ARN,
  seedToken,
  snapshot,
} from "./_harness.ts";

/** The real-world INI samples of tests/testdata/ini. */
export function iniSamples(): string[] {
  const dir = new URL("../testdata/ini/", import.meta.url);
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".ini"))
    .map((e) => Deno.readTextFileSync(new URL(e.name, dir)));
}

/** Pieces INI text is made of, the awkward ones included. */
const INI_PIECES = [
  "[",
  "]",
  "[default]",
  "[profile a]",
  "[profile  b ]",
  "[sso-session corp]",
  "[DEFAULT]",
  "[services x]",
  "=",
  ":",
  " = ",
  "key",
  "aws_access_key_id",
  "region = eu-west-1",
  "# comment",
  "; comment",
  "\n",
  "\r\n",
  "\r",
  "\t",
  "  ",
  "\uFEFF",
  "\0",
  "é",
  "😀",
  "s3 =\n  max = 1",
  "\\",
  '"',
  "'",
];

/** INI-ish text: random pieces, or a real sample mutated a few times. */
function iniText(samples: string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(fc.constantFrom(...INI_PIECES), fc.string({ maxLength: 8 }));
  const random = fc.array(piece, { maxLength: 40 }).map((p) => p.join(""));
  const mutation = fc.record({
    at: fc.nat(),
    cut: fc.nat({ max: 12 }),
    insert: fc.oneof(piece, fc.constant("")),
  });
  const mutated = fc.tuple(fc.constantFrom(...samples), fc.array(mutation, { maxLength: 4 })).map(
    ([text, ms]) =>
      ms.reduce((t, m) => {
        const at = t.length === 0 ? 0 : m.at % (t.length + 1);
        return t.slice(0, at) + m.insert + t.slice(at + m.cut);
      }, text),
  );
  return fc.oneof(random, mutated, fc.constantFrom(...samples));
}

/** JSON-ish text for cache files: valid shapes with odd values, random JSON, or garbage. */
function cacheText(shape: "token" | "role"): fc.Arbitrary<string> {
  const time = fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace(/\.\d+Z$/, "Z")),
    fc.constantFrom("2999-01-01T00:00:00UTC", "", "yesterday", "2026-13-45T99:99:99Z"),
    fc.string(),
  );
  const value = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), time);
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const shaped = shape === "token"
    ? fc.record({
      startUrl: maybe(fc.oneof(fc.constant("https://d-fake000000.awsapps.com/start"), value)),
      region: maybe(value),
      accessToken: maybe(value),
      expiresAt: maybe(time),
      clientId: maybe(value),
      clientSecret: maybe(value),
      registrationExpiresAt: maybe(time),
      refreshToken: maybe(value),
    })
    : fc.record({
      ProviderType: maybe(fc.oneof(fc.constant("sso"), value)),
      Credentials: maybe(fc.oneof(
        value,
        fc.record({
          AccessKeyId: maybe(value),
          SecretAccessKey: maybe(value),
          SessionToken: maybe(value),
          Expiration: maybe(time),
          AccountId: maybe(fc.oneof(fc.constant("111111111111"), value)),
        }),
      )),
      StartUrl: maybe(value),
    });
  return fc.oneof(
    shaped.map((o) => JSON.stringify(o)),
    shaped.map((o) => JSON.stringify(o)).chain((t) =>
      fc.nat({ max: t.length }).map((n) => t.slice(0, n))
    ),
    fc.json(),
    fc.string(),
    fc.constantFrom("", "null", "[]", "{}", "\uFEFF{}", '{"accessToken": "x"'),
  );
}

/** Flags and values a command line is made of. */
const ARG_PIECES = [
  "-p",
  "corp",
  "legacy",
  "nosuch",
  "-r",
  ROLE_ARN,
  "arn:aws:iam::111111111111:role/NotGranted",
  "arn:aws:iam::1111:role/x",
  "-ext",
  "-env",
  "-d",
  "--list",
  "--json",
  "--no-login",
  "--dry-run",
  "--prune",
  "--format",
  "fish",
  "cmd",
  "--profile-name",
  "{account_name}-{role_name}",
  "{nope}",
  "--write-profile",
  "scratch",
  "--account",
  "222222222222",
  "--role",
  "Developer",
  "--logout",
  "--login-with",
  "aws",
  "--version",
  "--help",
  "-x",
  "--",
  "=",
  // Names of Object.prototype: a lookup in a plain object must not find them.
  "toString",
  "constructor",
  "__proto__",
  "hasOwnProperty",
];

/** The outcome of one `main()` call, checked; `null` when all is well. */
export function mainProblem(rt: TestRuntime, args: string[], code: number): string | null {
  const run = {
    args,
    code,
    signal: null,
    stdout: rt.out(),
    stderr: rt.err(),
    ms: 0,
    timedOut: false,
    killed: false,
  };
  if (args.includes("--debug")) {
    // Stacks are wanted here; the first line still names the error, and it is a typed one.
    if (/Unexpected error/.test(run.stderr)) return `untyped error: ${run.stderr}`;
    return code === 0 || /^aws-sso: \S/m.test(run.stderr) ? null : `no error line: ${run.stderr}`;
  }
  if (code === 0) {
    return /Unexpected error|^\s+at /m.test(run.stderr) ? `exit 0 but: ${run.stderr}` : null;
  }
  return cleanFailureProblem(run, { usage: code === 2 });
}

/** A HOME for one case: the hand-written config and credentials and a fresh `corp` session. */
export async function freshHome(home: string, aws: FakeAws): Promise<void> {
  await Deno.remove(join(home, ".aws"), { recursive: true }).catch(() => {});
  await Deno.mkdir(join(home, ".aws"), { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(join(home, ".aws", "config"), handConfigChunks(aws.startUrl).join(""));
  await Deno.writeTextFile(
    join(home, ".aws", "credentials"),
    HAND_CREDENTIALS_CHUNKS.join("\n"),
    { mode: 0o600 },
  );
  await seedToken(home, aws);
}

/** A runtime for `main()` in `home`: real files, retries on a simulated clock, no browser. */
export function fuzzRuntime(home: string, env: Record<string, string>): TestRuntime {
  const rt = testRuntime({
    home,
    env,
    overrides: { spawn: () => Promise.resolve(1) },
  });
  rt.sleep = (ms) => {
    rt.advance(ms);
    return Promise.resolve();
  };
  return rt;
}

/** Runs `main()` and checks it: typed errors only, one clear line, no file written torn. */
async function checkedMain(
  home: string,
  env: Record<string, string>,
  args: string[],
): Promise<void> {
  const before = await snapshot(home);
  const rt = fuzzRuntime(home, env);
  const code = await main(args, rt);
  const problem = mainProblem(rt, args, code);
  if (problem) throw new Error(problem);
  const torn = compareHomes(before, await snapshot(home), {
    mayRemove: (rel) => args.includes("--logout") && rel.startsWith(".aws/sso/cache/"),
  });
  if (torn.length) throw new Error(`${args.join(" ")}: ${torn.join("; ")}`);
}

/** A fuzz property's name and how to check it `numRuns` times. */
export interface FuzzProperty {
  name: string;
  check(numRuns: number, seed: number): Promise<void>;
}

/**
 * The fuzz properties, sharing one fake AWS and one temp HOME (cleaned per case).
 *
 * @param aws the fake
 * @param home a temp HOME
 */
export function fuzzProperties(aws: FakeAws, home: string): FuzzProperty[] {
  const samples = iniSamples();
  const env = { ...aws.env };
  const run = (numRuns: number, seed: number, property: fc.IAsyncProperty<[unknown]>) =>
    fc.assert(property as fc.IAsyncProperty<[unknown]>, { numRuns, seed, endOnFailure: true });
  return [
    serviceAnswerProperty(aws, home),
    {
      name: "IniDocument.parse() gives a document that round-trips, or a SyntaxError",
      check: (numRuns, seed) =>
        Promise.resolve(fc.assert(
          fc.property(iniText(samples), fc.constantFrom("config", "credentials"), (text, kind) => {
            let doc: IniDocument;
            try {
              doc = IniDocument.parse(text, { kind: kind as "config" | "credentials" });
            } catch (err) {
              if (err instanceof SyntaxError) return;
              throw err;
            }
            if (doc.toString() !== text) throw new Error("not byte for byte");
          }),
          { numRuns: numRuns * 5, seed },
        )),
    },
    {
      name: "a random credentials file: [default] is written and reads back, or nothing is",
      check: (numRuns, seed) =>
        run(
          numRuns,
          seed,
          fc.asyncProperty(
            fc.tuple(
              iniText(samples),
              fc.oneof(
                fc.constant([]),
                fc.string({ maxLength: 12 }).map((n) => ["--write-profile", n]),
                fc.constantFrom(
                  ["--write-profile", "a]b"],
                  ["--write-profile", "x\ny"],
                  ["--write-profile", " padded "],
                  ["--write-profile", "toString"],
                  ["--write-profile", "DEFAULT"],
                  ["--write-profile", ""],
                ),
              ),
            ),
            async ([text, extra]) => {
              await freshHome(home, aws);
              await Deno.writeTextFile(join(home, ".aws", "credentials"), text);
              await checkedMain(home, env, ["-p", "corp", "-r", ROLE_ARN, ...extra]);
            },
          ) as fc.IAsyncProperty<[unknown]>,
        ),
    },
    {
      name: "a random config file: -ext, -d and --list fail cleanly or work, never tear it",
      check: (numRuns, seed) =>
        run(
          numRuns,
          seed,
          fc.asyncProperty(
            fc.tuple(
              iniText(samples),
              fc.boolean(),
              fc.constantFrom(
                ["-p", "corp", "-r", ROLE_ARN, "-ext", "--no-login"],
                ["-p", "corp", "-d", "--no-login", "--prune"],
                ["-p", "a", "--list", "--no-login"],
                ["-p", "corp", "-r", ROLE_ARN, "-env", "--no-login"],
              ),
            ),
            async ([text, keepCorp, args]) => {
              await freshHome(home, aws);
              const corp = handConfigChunks(aws.startUrl).slice(2, 4).join("");
              await Deno.writeTextFile(
                join(home, ".aws", "config"),
                keepCorp ? `${text}\n${corp}` : text,
              );
              await checkedMain(home, env, [...args]);
            },
          ) as fc.IAsyncProperty<[unknown]>,
        ),
    },
    {
      name: "a random token file: -ext --no-login works or asks to sign in",
      check: (numRuns, seed) =>
        run(
          numRuns,
          seed,
          fc.asyncProperty(cacheText("token"), async (text) => {
            await freshHome(home, aws);
            await Deno.writeTextFile(
              join(home, ".aws", "sso", "cache", `${sha1Hex("corp")}.json`),
              text,
            );
            await checkedMain(home, env, ["-p", "corp", "-r", ROLE_ARN, "-ext", "--no-login"]);
          }) as fc.IAsyncProperty<[unknown]>,
        ),
    },
    {
      name: "a random role cache file: -ext serves it or replaces it with a whole one",
      check: (numRuns, seed) =>
        run(
          numRuns,
          seed,
          fc.asyncProperty(cacheText("role"), async (text) => {
            await freshHome(home, aws);
            const rt = fuzzRuntime(home, env);
            const { roleCachePath } = await import("../../src/portal/role_credentials_cache.ts");
            const { loadSsoProfile } = await import("../../src/config/load_sso_profile.ts");
            const path = roleCachePath(
              await loadSsoProfile(rt, "corp"),
              { accountId: "111111111111", roleName: "ReadOnly" },
              rt.env,
            );
            await Deno.mkdir(join(path, ".."), { recursive: true, mode: 0o700 });
            await Deno.writeTextFile(path, text);
            await checkedMain(home, env, ["-p", "corp", "-r", ROLE_ARN, "-ext", "--no-login"]);
          }) as fc.IAsyncProperty<[unknown]>,
        ),
    },
    {
      name: "a random command line: exit 0, 1 or 2 with one clear line",
      check: (numRuns, seed) =>
        run(
          numRuns,
          seed,
          fc.asyncProperty(
            fc.array(fc.oneof(fc.constantFrom(...ARG_PIECES), fc.string({ maxLength: 6 })), {
              maxLength: 8,
            }),
            async (args) => {
              await freshHome(home, aws);
              // Never sign in for real here (no browser; a device code would wait for approval).
              await checkedMain(home, env, [...args, "--no-login"]);
            },
          ) as fc.IAsyncProperty<[unknown]>,
        ),
    },
  ];
}

/** One answer of the random service: a status, an error type, values, and how it is spoilt. */
export interface AnswerSpec {
  status: number;
  errorType: string | undefined;
  /** Goes in every secret field (keys, tokens). */
  secret: string;
  /** Goes in every other field. */
  value: unknown;
  nextToken: string | undefined;
  spoil: { how: "none" | "cut" | "junk" | "replace"; at: number; text: string };
}

const answerSpec: fc.Arbitrary<AnswerSpec> = fc.record({
  status: fc.oneof(
    fc.constant(200),
    fc.constant(200),
    fc.constantFrom(400, 401, 403, 404, 429, 500, 502, 503),
    // Not 204, 205 or 304: they cannot carry a body.
    fc.integer({ min: 200, max: 599 }).filter((n) => ![204, 205, 304].includes(n)),
  ),
  errorType: fc.option(
    fc.oneof(
      fc.constantFrom(
        "UnauthorizedException",
        "TooManyRequestsException",
        "ForbiddenException",
        "ResourceNotFoundException",
        "InvalidRequestException",
        "InternalServerException",
        "InvalidGrantException",
        "SlowDownException",
        "AccessDeniedException",
      ),
      fc.string({ maxLength: 10 }),
    ),
    { nil: undefined },
  ),
  secret: fc.stringMatching(/^[A-Za-z0-9+/]{24,40}$/),
  value: fc.oneof(
    fc.string(),
    fc.constantFrom("111111111111", "a\nb", "x]y", "[profile z]", "", "=", "\u0000"),
    fc.integer(),
    fc.double(),
    fc.constant(null),
    fc.json().map((j) => JSON.parse(j)),
  ),
  nextToken: fc.option(fc.string({ minLength: 1, maxLength: 6 }), { nil: undefined, freq: 3 }),
  spoil: fc.record({
    how: fc.constantFrom("none", "none", "cut", "junk", "replace"),
    at: fc.nat(),
    text: fc.string({ maxLength: 6 }),
  }),
});

/** The answer body for a request path, from a spec. */
function answerBody(path: string, a: AnswerSpec): string {
  const v = a.value;
  let body: unknown;
  if (a.status !== 200) {
    body = { __type: a.errorType ?? "Error", message: v, error: a.errorType, error_description: v };
  } else if (path === "/federation/credentials") {
    body = {
      roleCredentials: {
        accessKeyId: typeof v === "string" && v ? v : "ASIAFUZZ",
        secretAccessKey: a.secret,
        sessionToken: `${a.secret}/session`,
        expiration: typeof v === "number" ? v : Date.now() + 3_600_000,
      },
    };
  } else if (path === "/assignment/accounts") {
    body = {
      accountList: [{ accountId: v, accountName: v, emailAddress: v }, {
        accountId: "111111111111",
        accountName: "Fuzz",
      }],
      ...(a.nextToken ? { nextToken: a.nextToken } : {}),
    };
  } else if (path === "/assignment/roles") {
    body = {
      roleList: [{ roleName: v, accountId: v }, {
        roleName: "ReadOnly",
        accountId: "111111111111",
      }],
      ...(a.nextToken ? { nextToken: a.nextToken } : {}),
    };
  } else if (path === "/token") {
    body = {
      accessToken: a.secret,
      refreshToken: `${a.secret}/refresh`,
      expiresIn: typeof v === "number" ? v : 3600,
      tokenType: v,
    };
  } else {
    body = {};
  }
  const text = JSON.stringify(body);
  const at = text.length ? a.spoil.at % text.length : 0;
  switch (a.spoil.how) {
    case "cut":
      return text.slice(0, at);
    case "junk":
      return text.slice(0, at) + a.spoil.text + text.slice(at);
    case "replace":
      return a.spoil.text;
    default:
      return text;
  }
}

/** A service on loopback that answers every request with the next of a list of random answers. */
export function randomService(): { url: string; answers: AnswerSpec[]; close(): Promise<void> } {
  const state = { answers: [] as AnswerSpec[], next: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    const a = state.answers[state.next++ % Math.max(1, state.answers.length)];
    if (!a) return new Response("{}");
    return new Response(answerBody(new URL(req.url).pathname, a), {
      status: a.status,
      headers: {
        "content-type": "application/json",
        ...(a.errorType && /^[\x21-\x7e]+$/.test(a.errorType)
          ? { "x-amzn-errortype": a.errorType }
          : {}),
      },
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    get answers() {
      return state.answers;
    },
    set answers(list: AnswerSpec[]) {
      state.answers = list;
      state.next = 0;
    },
    close: () => server.shutdown(),
  };
}

/** Fragments (8 characters) of `secrets` found in `text`. */
export function secretFragments(text: string, secrets: string[]): string[] {
  const found: string[] = [];
  for (const s of secrets) {
    for (let i = 0; i + 8 <= s.length; i++) {
      if (text.includes(s.slice(i, i + 8))) {
        found.push(s.slice(i, i + 8));
        break;
      }
    }
  }
  return found;
}

/**
 * The service-answer property: every answer of the portal and OIDC is random (status, error
 * type, values, cut or spoilt JSON); `-ext`, `-d`, `--list` and a refresh must end in exit 0 or
 * one clear line, write nothing torn, and echo no fragment of a secret the answers carried.
 *
 * @param aws the fake, for the hand-written config
 * @param home a temp HOME
 */
export function serviceAnswerProperty(aws: FakeAws, home: string): FuzzProperty {
  return {
    name: "random service answers: exit 0 or one clear line, nothing torn, no secret echoed",
    async check(numRuns, seed) {
      const service = randomService();
      const env = { AWS_ENDPOINT_URL_SSO: service.url, AWS_ENDPOINT_URL_SSO_OIDC: service.url };
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(answerSpec, { minLength: 1, maxLength: 6 }),
            fc.constantFrom(
              ["-p", "corp", "-r", ROLE_ARN, "-ext", "--no-login"],
              ["-p", "corp", "-d", "--no-login", "--prune"],
              ["-p", "corp", "--list", "--no-login"],
              ["-p", "corp", "-r", ROLE_ARN, "--no-login"],
            ),
            fc.boolean(),
            fc.boolean(),
            async (answers, argList, nearExpiry, debug) => {
              const args: string[] = [...argList, ...(debug ? ["--debug"] : [])];
              await freshHome(home, aws);
              if (nearExpiry) await seedToken(home, aws, 10 * 60_000); // refresh first
              service.answers = answers;
              const before = await snapshot(home);
              const rt = fuzzRuntime(home, env);
              const code = await main(args, rt);
              const problem = mainProblem(rt, args, code);
              if (problem) throw new Error(problem);
              const secrets = answers.flatMap((a) => [a.secret]);
              const leaked = secretFragments(rt.err(), secrets);
              if (leaked.length) throw new Error(`secret echoed on stderr: ${rt.err()}`);
              if (!args.includes("-ext")) { // -ext prints the credentials on purpose
                const out = secretFragments(rt.out(), secrets);
                if (out.length) throw new Error(`secret on stdout: ${rt.out()}`);
              }
              const torn = compareHomes(before, await snapshot(home));
              if (torn.length) throw new Error(torn.join("; "));
            },
          ),
          { numRuns, seed, endOnFailure: true },
        );
      } finally {
        await service.close();
      }
    },
  };
}

/** A fake AWS for the fuzz properties, closed by the caller. */
export function fuzzAws(): Promise<FakeAws> {
  return startFakeAws();
}
