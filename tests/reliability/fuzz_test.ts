/**
 * Fuzzing: random and mutated config, credentials, token cache and role cache files, command
 * lines and service answers. aws-sso only ever fails with its typed errors as one clear line,
 * never writes a file it could not read back, and never echoes a secret.
 */

import { main } from "../../src/cli/main.ts";
import { startFakeAws } from "../../testing/mod.ts";
import { withTmpDir } from "../helpers.ts";
import {
  freshHome,
  fuzzAws,
  fuzzProperties,
  fuzzRuntime,
  mainProblem,
  secretFragments,
} from "./_fuzz.ts";
import {
  cleanFailureProblem,
  compareHomes,
  ROLE_ARN,
  runCliTimed,
  seedHome,
  seedToken,
  snapshot,
} from "./_harness.ts";

const RUNS = Number(Deno.env.get("FUZZ_RUNS") ?? 60);

Deno.test("aws-sso under fuzzed input", async (t) => {
  await using aws = await fuzzAws();
  await using tmp = await withTmpDir();
  for (const property of fuzzProperties(aws, tmp.path)) {
    await t.step(property.name, () => property.check(RUNS, 42));
  }
});

Deno.test("aws-sso (the CLI) on odd input found by fuzzing: one clear line, nothing written", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await seedHome(tmp.path, aws, { session: true });
  const cases: [string[], "ok" | "usage" | "fail"][] = [
    [["-p", "corp", "-r", ROLE_ARN, "--write-profile", "toString"], "ok"],
    [["-p", "corp", "-r", ROLE_ARN, "--write-profile", "x\ny"], "usage"],
    [["-p", "corp", "-r", ROLE_ARN, "--write-profile", "DEFAULT"], "usage"],
    [["-p", "constructor", "-ext", "-r", ROLE_ARN], "fail"],
    [["-p", "corp", "-r", "valueOf", "-ext"], "usage"],
  ];
  const problems: string[] = [];
  for (const [args, want] of cases) {
    const before = await snapshot(tmp.path);
    const run = await runCliTimed(args, { home: tmp.path, env: aws.env, timeoutMs: 20_000 });
    const problem = want === "ok"
      ? (run.code === 0 ? null : `exit ${run.code}: ${run.stderr}`)
      : cleanFailureProblem(run, { usage: want === "usage" });
    if (problem) problems.push(problem);
    if (want !== "ok") {
      const after = await snapshot(tmp.path);
      const changed = [...after.keys()].filter((k) =>
        !before.has(k) || before.get(k)!.join() !== after.get(k)!.join()
      );
      if (changed.length) problems.push(`${args.join(" ")} wrote ${changed.join(", ")}`);
    }
    problems.push(...compareHomes(before, await snapshot(tmp.path)));
  }
  if (problems.length) throw new Error(problems.join("\n"));
});

Deno.test("aws-sso on ill-formed service answers (cases fuzzing found): exit 0 or one clean line", async (t) => {
  await using aws = await fuzzAws();
  await using tmp = await withTmpDir();
  const SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY1";
  /** Answers by path; anything else gets a well-formed answer. */
  let answers: Record<string, [number, string]> = {};
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    const path = new URL(req.url).pathname;
    const good: Record<string, string> = {
      "/federation/credentials": JSON.stringify({
        roleCredentials: {
          accessKeyId: "ASIAGOOD",
          secretAccessKey: "good/secret",
          sessionToken: "good/token",
          expiration: Date.now() + 3_600_000,
        },
      }),
      "/assignment/accounts": '{"accountList":[{"accountId":"111111111111","accountName":"P"}]}',
      "/assignment/roles": '{"roleList":[{"roleName":"ReadOnly","accountId":"111111111111"}]}',
      "/token": '{"accessToken":"new","expiresIn":3600}',
    };
    const [status, body] = answers[path] ?? [200, good[path] ?? "{}"];
    return new Response(body, {
      status,
      headers: {
        "content-type": "application/json",
        "x-amzn-errortype": "InternalServerException",
      },
    });
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const env = { AWS_ENDPOINT_URL_SSO: url, AWS_ENDPOINT_URL_SSO_OIDC: url };
  const cases: {
    name: string;
    answers: Record<string, [number, string]>;
    args: string[];
    ok: boolean;
    nearExpiry?: boolean;
  }[] = [
    {
      name: "a 500 whose message is a number",
      answers: { "/federation/credentials": [500, '{"message": 12345}'] },
      args: ["-p", "corp", "-r", ROLE_ARN, "-ext", "--no-login"],
      ok: false,
    },
    {
      name: "an account id that is a number",
      answers: {
        "/assignment/accounts": [
          200,
          '{"accountList":[{"accountId":4.6e203},{"accountId":"111111111111"}]}',
        ],
      },
      args: ["-p", "corp", "--list", "--no-login"],
      ok: true,
    },
    {
      name: "a role name no ARN can hold",
      answers: {
        "/assignment/roles": [200, '{"roleList":[{"roleName":"Read Only!"},{"roleName":"Dev"}]}'],
      },
      args: ["-p", "corp", "-d", "--no-login"],
      ok: true,
    },
    {
      name: "role credentials whose expiration is a string",
      answers: {
        "/federation/credentials": [
          200,
          '{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"B","sessionToken":"C",' +
          '"expiration":"soon"}}',
        ],
      },
      args: ["-p", "corp", "-r", ROLE_ARN, "-ext", "--no-login"],
      ok: false,
    },
    {
      name: "a key id holding spaces, for the credentials file",
      answers: {
        "/federation/credentials": [
          200,
          '{"roleCredentials":{"accessKeyId":" p&z ","secretAccessKey":"B","sessionToken":"C",' +
          `"expiration":${Date.now() + 3_600_000}}}`,
        ],
      },
      args: ["-p", "corp", "-r", ROLE_ARN, "--no-login"],
      ok: false,
    },
    {
      name: "a refreshed token whose expiresIn is a string (the refresh fails, the token is kept)",
      answers: { "/token": [200, '{"accessToken":"new","expiresIn":"3600"}'] },
      args: ["-p", "corp", "-r", ROLE_ARN, "-ext", "--no-login"],
      ok: true,
      nearExpiry: true,
    },
    {
      name: "malformed JSON right after a secret",
      answers: {
        "/federation/credentials": [
          200,
          `{"roleCredentials":{"accessKeyId":"ASIA","secretAccessKey":${SECRET}}}`,
        ],
      },
      args: ["-p", "corp", "-r", ROLE_ARN, "-ext", "--no-login"],
      ok: false,
    },
  ];
  try {
    for (const c of cases) {
      await t.step(c.name, async () => {
        await freshHome(tmp.path, aws);
        if (c.nearExpiry) await seedToken(tmp.path, aws, 10 * 60_000);
        answers = c.answers;
        const rt = fuzzRuntime(tmp.path, env);
        const code = await main(c.args, rt);
        const problem = c.ok ? (code === 0 ? null : rt.err()) : mainProblem(rt, c.args, code);
        if (problem) throw new Error(problem);
        if (c.ok === false && code === 0) throw new Error("succeeded");
        const leaked = secretFragments(rt.err(), [SECRET]);
        if (leaked.length) throw new Error(`a secret's fragment on stderr: ${rt.err()}`);
      });
    }
  } finally {
    await server.shutdown();
  }
});
