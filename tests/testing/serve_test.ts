import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parseServeArgs, USAGE } from "../../testing/serve.ts";

const SERVE = fileURLToPath(new URL("../../testing/serve.ts", import.meta.url));

/** A `--config` reader over a fixed file set. */
function files(contents: Record<string, string>): (path: string) => Promise<string> {
  return (path) => {
    const text = contents[path];
    return text === undefined
      ? Promise.reject(new Deno.errors.NotFound(`No such file: ${path}`))
      : Promise.resolve(text);
  };
}

Deno.test("parseServeArgs() maps flags to fake AWS options", { permissions: "none" }, async () => {
  const options = await parseServeArgs([
    "--accounts",
    "1000",
    "--roles-per-account",
    "2",
    "--rate-limit",
    "20",
    "--throttle-ratio",
    "0.1",
    "--latency-ms",
    "5",
    "--access-token-ttl",
    "60",
    "--device-approve-after-polls",
    "0",
    "--seed",
    "9",
    "--start-url",
    "https://d-1.awsapps.com/start",
  ], files({}));
  assert.ok(options !== "help");
  const { directory, ...rest } = options;
  assert.equal(directory?.accounts.length, 1000);
  assert.equal(directory?.accounts[0]?.roles.length, 2);
  assert.deepEqual(rest, {
    rateLimit: 20,
    throttleRatio: 0.1,
    latencyMs: 5,
    accessTokenTtlSeconds: 60,
    deviceApproveAfterPolls: 0,
    seed: 9,
    startUrl: "https://d-1.awsapps.com/start",
  });
  assert.equal(
    (await parseServeArgs(["--device-approve-after-polls", "manual"], files({})) as {
      deviceApproveAfterPolls: null;
    }).deviceApproveAfterPolls,
    null,
  );
  assert.equal(await parseServeArgs(["-h"], files({})), "help");
});

Deno.test(
  "parseServeArgs() reads a JSON file that flags override",
  { permissions: "none" },
  async () => {
    const read = files({
      "fake.json": JSON.stringify({
        accounts: 4,
        rolesPerAccount: 1,
        latencyMs: 50,
        faults: [{ op: "listAccounts", kind: "throttle" }],
      }),
    });
    const options = await parseServeArgs(["--config", "fake.json", "--latency-ms", "7"], read);
    assert.ok(options !== "help");
    assert.equal(options.directory?.accounts.length, 4);
    assert.equal(options.latencyMs, 7);
    assert.deepEqual(options.faults, [{ op: "listAccounts", kind: "throttle" }]);
  },
);

Deno.test("parseServeArgs() rejects unknown flags, bad numbers and bad files", {
  permissions: "none",
}, async (t) => {
  const read = files({ "list.json": "[]", "bad.json": "{" });
  for (
    const args of [
      ["--nope"],
      ["--accounts", "many"],
      ["--latency-ms", ""],
      ["--config", "missing.json"],
      ["--config", "bad.json"],
      ["--config", "list.json"],
      ["positional"],
    ]
  ) {
    await t.step(args.join(" "), async () => {
      await assert.rejects(parseServeArgs(args, read), TypeError);
    });
  }
});

/** Reads the first line of a byte stream, then keeps draining it in the background. */
async function firstLine(
  stream: ReadableStream<Uint8Array>,
): Promise<{ line: string; rest: Promise<string> }> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const rest = (async () => {
    let more = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return more;
      more += value;
    }
  })();
  const newline = text.indexOf("\n");
  return { line: newline < 0 ? text : text.slice(0, newline), rest };
}

Deno.test("serve.ts prints one JSON line, serves the fake and stops on SIGTERM", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", SERVE, "--accounts", "25"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const { line, rest } = await firstLine(child.stdout);
  const info = JSON.parse(line);
  assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(info.env, {
    AWS_ENDPOINT_URL_SSO: info.url,
    AWS_ENDPOINT_URL_SSO_OIDC: info.url,
    AWS_ENDPOINT_URL_STS: info.url,
  });
  assert.equal(info.startUrl, "https://d-fake000000.awsapps.com/start");
  assert.equal(info.region, "us-east-1");
  const login = await (await fetch(`${info.url}/__fake/issue-tokens`, { method: "POST" })).json();
  const page = await (await fetch(`${info.url}/assignment/accounts?max_result=100`, {
    headers: { "x-amz-sso_bearer_token": login.accessToken },
  })).json();
  assert.equal(page.accountList.length, 25);
  const counters = await (await fetch(`${info.url}/__fake/counters`)).json();
  assert.equal(counters.listAccounts, 1);
  child.kill("SIGTERM");
  const status = await child.status;
  assert.equal(status.code, 0);
  assert.equal(await rest, "");
  assert.equal(await stderr, "");
});

Deno.test("serve.ts exits 2 with usage on stderr for a bad flag, 0 for --help", async () => {
  const run = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", "--allow-read", SERVE, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
  const bad = await run(["--bogus"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout.length, 0);
  assert.match(new TextDecoder().decode(bad.stderr), /Usage: /);
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.equal(new TextDecoder().decode(help.stdout).trim(), USAGE.trim());
});
