import assert from "node:assert/strict";
import { denoRuntime } from "../src/deno_runtime.ts";

const linux = Deno.build.os === "linux";

/** The state letter of a process in /proc (R, S, T, Z, …). */
async function procState(pid: number): Promise<string> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(")") + 2)[0]!;
}

Deno.test({
  name: "isAlive() tells a live pid from a dead one and leaves a stopped process stopped",
  ignore: !linux,
  async fn() {
    const runtime = denoRuntime();
    const child = new Deno.Command("sleep", { args: ["30"], stdout: "null", stderr: "null" })
      .spawn();
    try {
      child.kill("SIGSTOP");
      while (await procState(child.pid) !== "T") await new Promise((r) => setTimeout(r, 5));
      // A suspended job (Ctrl-Z) that holds a lock, or that got the pid of a dead holder: asking
      // must not resume it (SIGCONT did).
      assert.equal(runtime.isAlive(child.pid), true);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(await procState(child.pid), "T");
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
    assert.equal(runtime.isAlive(child.pid), false, "gone once reaped");
  },
});

Deno.test("isAlive() cannot tell for what is not one process's pid, and says so", () => {
  const runtime = denoRuntime();
  // 0 and negative numbers name process groups; a lock file may hold anything.
  for (const pid of [0, 1.5, Number.NaN, 2 ** 53]) assert.equal(runtime.isAlive(pid), undefined);
});

Deno.test("spawn() gives the exit code, -1 when the program cannot start, null while it runs on", async () => {
  const runtime = denoRuntime();
  assert.equal(await runtime.spawn("sh", ["-c", "exit 3"], { output: "null" }), 3);
  assert.equal(await runtime.spawn("aws-sso-no-such-program", [], { output: "null" }), -1);
  // A browser started in the foreground runs until it is closed: that is no failure to open.
  assert.equal(
    await runtime.spawn("sh", ["-c", "sleep 1"], { output: "null", timeoutMs: 100 }),
    null,
  );
  await new Promise((r) => setTimeout(r, 1_500)); // let it end, with the ops that wait for it
});

Deno.test("oidc() refuses a CreateToken answer whose access token no HTTP header can carry", async (t) => {
  let accessToken = "";
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => Response.json({ accessToken, expiresIn: 3600, tokenType: "Bearer" }),
  );
  const oidc = await denoRuntime().oidc({
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${server.addr.port}`,
  });
  const input = {
    clientId: "c",
    clientSecret: "s",
    grantType: "refresh_token",
    refreshToken: "r",
  };
  await t.step("a whole token", async () => {
    accessToken = "aoaAAAAAGZ:ok/+=";
    assert.equal((await oidc.createToken(input)).accessToken, accessToken);
  });
  for (const bad of ["\u0000", "\r\n", " ", "é"]) {
    await t.step(JSON.stringify(bad), async () => {
      accessToken = `aoa${bad}AAAA`;
      await assert.rejects(oidc.createToken(input), { name: "InvalidResponse" });
    });
  }
});

Deno.test("fs.readTextFile() strict names the line and byte of the first that is not UTF-8", async (t) => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/config`;
  const bytes = (text: string) => new Uint8Array([...text].map((c) => c.charCodeAt(0)));
  const cases: [string, string, string][] = [
    ["LF lines", "[default]\nk = caf\xe9\n", "line 2: it is not UTF-8 text (byte 0xE9)"],
    ["CR lines, as the INI reader counts them", "[a]\rb = 1\rk = caf\xe9\r", "line 3"],
    ["CRLF lines", "[a]\r\nk = caf\xe9\r\n", "line 2"],
    ["a sequence cut short", "[a]\nk = \xef\xbf\n", "line 2: it is not UTF-8 text (byte 0xEF)"],
    [
      "a BOM, then a bad byte",
      "\xef\xbb\xbf[a]\n\xff\n",
      "line 2: it is not UTF-8 text (byte 0xFF)",
    ],
  ];
  try {
    await t.step("U+FFFD written as UTF-8 is text like any other", async () => {
      await Deno.writeTextFile(path, "# \uFFFD\n[a]\n");
      assert.equal(await denoRuntime().fs.readTextFile(path, { strict: true }), "# \uFFFD\n[a]\n");
    });
    for (const [name, text, want] of cases) {
      await t.step(name, async () => {
        await Deno.writeFile(path, bytes(text));
        await assert.rejects(
          denoRuntime().fs.readTextFile(path, { strict: true }),
          (err: unknown) => {
            assert.ok(err instanceof Deno.errors.InvalidData);
            assert.ok(err.message.includes(`${path}: ${want}`), err.message);
            return true;
          },
        );
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hostname is the host's name; without the permission it is empty, with no prompt", async () => {
  const runtime = denoRuntime();
  assert.equal(runtime.hostname, Deno.hostname());
  // A runtime spread into another (how programs replace parts of it) keeps it.
  assert.equal({ ...runtime, pid: 1 }.hostname, Deno.hostname());

  // Without --allow-sys=hostname: no prompt, an empty name.
  const script = `import { denoRuntime } from ${
    JSON.stringify(import.meta.resolve("../src/deno_runtime.ts"))
  };
const r = denoRuntime();
console.log(JSON.stringify(r.hostname));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--allow-read", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = out.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const result = await out.output();
  assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
  assert.equal(new TextDecoder().decode(result.stdout).trim(), '""');
});
