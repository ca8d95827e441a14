import assert from "node:assert/strict";
import { join } from "node:path";
// Not in deno.json: only this test needs the npm `dotenv` reader.
import { parse as parseDotenv } from "npm:dotenv@^16";
import { defaultEnvFormat, type EnvFormat, renderEnv } from "../../src/render/render_env.ts";
import type { RoleCredentials } from "../../src/role_credentials.ts";
import { withTmpDir } from "../helpers.ts";
import { canRun } from "./_interop.ts";

const CREDS: RoleCredentials = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE12",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE+/=",
  expiration: Date.UTC(2026, 10, 25, 19, 0, 0),
  accountId: "123456789012",
};
const NAMES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
];

/** Values no real credential holds, each aimed at some shell's quoting. */
const HOSTILE: [string, string][] = [
  ["single quotes", "it's 'quoted' '\\'' ''"],
  ["double quotes", 'say "hi" ""'],
  ["dollar and expansions", "$HOME ${HOME} $(id) $((1+1)) $1 $@ $? $$ $env:PATH"],
  ["backticks", "`id` ``x`` a`nb"],
  ["backslashes", "\\ \\\\ \\n \\' \\\" trailing\\"],
  ["spaces and tabs", "  lead  and\ttab  trail  "],
  ["shell operators", "a; b && c || d | e > f < g & h # i * ? [a-z] ~ { } ( ) !x ^"],
  ["newlines (test only)", "line 1\nline 2\r\nline 3\n"],
  ["unicode", "ünïcødé ✓ 日本語 😀 \u00a0nbsp"],
  ["typographic quotes", "‘curly’ ‚low‛ “double” „low“"],
  ["leading dash", "-n -e --"],
  ["percent", "%PATH% %% 100%"],
];

/** Creds whose every value is `value` (the access key id and region included). */
function hostileCreds(value: string): RoleCredentials {
  return { ...CREDS, accessKeyId: `A${value}`, secretAccessKey: value, sessionToken: `${value}T` };
}

/** What each variable should read back as. */
function expected(value: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: `A${value}`,
    AWS_SECRET_ACCESS_KEY: value,
    AWS_SESSION_TOKEN: `${value}T`,
    AWS_CREDENTIAL_EXPIRATION: "2026-11-25T19:00:00+00:00",
    AWS_REGION: `R${value}`,
    AWS_DEFAULT_REGION: `R${value}`,
  };
}

/** Runs `program args` with a clean environment and reads back the AWS_* it exported (`env -0`). */
async function exported(program: string, args: string[], home: string) {
  const out = await new Deno.Command(program, {
    args,
    env: { PATH: "/usr/bin:/bin", HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home },
    clearEnv: true,
    stdin: "null",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `${program} failed (${out.code}): ${stderr}`);
  const vars: Record<string, string> = {};
  for (const entry of new TextDecoder().decode(out.stdout).split("\0")) {
    const eq = entry.indexOf("=");
    const name = entry.slice(0, eq);
    if (NAMES.includes(name)) vars[name] = entry.slice(eq + 1);
  }
  return vars;
}

/** Checks that `run` reads every hostile value back unchanged from a file of `format` lines. */
async function roundTrip(
  t: Deno.TestContext,
  format: EnvFormat,
  run: (file: string, home: string) => Promise<Record<string, string>>,
  cases: [string, string][] = HOSTILE,
): Promise<void> {
  await using tmp = await withTmpDir();
  for (const [name, value] of cases) {
    await t.step(name, async () => {
      const file = join(tmp.path, `creds.${format}`);
      await Deno.writeTextFile(
        file,
        renderEnv(hostileCreds(value), { format, region: `R${value}` }),
      );
      assert.deepEqual(await run(file, tmp.path), expected(value));
    });
  }
}

Deno.test({
  name: "renderEnv() sh writes export lines in export-credentials order",
  permissions: "none",
  fn() {
    assert.equal(
      renderEnv(CREDS, { format: "sh" }),
      "export AWS_ACCESS_KEY_ID='ASIAEXAMPLEEXAMPLE12'\n" +
        "export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'\n" +
        "export AWS_SESSION_TOKEN='IQoJb3JpZ2luX2VjEXAMPLE+/='\n" +
        "export AWS_CREDENTIAL_EXPIRATION='2026-11-25T19:00:00+00:00'\n",
    );
  },
});

Deno.test({
  name: "renderEnv() writes each format's line shape, region last",
  permissions: "none",
  async fn(t) {
    const cases: [EnvFormat, string, string][] = [
      [
        "sh",
        "export AWS_ACCESS_KEY_ID='ASIAEXAMPLEEXAMPLE12'",
        "export AWS_DEFAULT_REGION='eu-west-1'",
      ],
      [
        "fish",
        "set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLEEXAMPLE12'",
        "set -gx AWS_DEFAULT_REGION 'eu-west-1'",
      ],
      [
        "powershell",
        "$Env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLEEXAMPLE12'",
        "$Env:AWS_DEFAULT_REGION = 'eu-west-1'",
      ],
      ["cmd", 'set "AWS_ACCESS_KEY_ID=ASIAEXAMPLEEXAMPLE12"', 'set "AWS_DEFAULT_REGION=eu-west-1"'],
      ["dotenv", "AWS_ACCESS_KEY_ID='ASIAEXAMPLEEXAMPLE12'", "AWS_DEFAULT_REGION='eu-west-1'"],
    ];
    for (const [format, first, last] of cases) {
      await t.step(format, () => {
        const lines = renderEnv(CREDS, { format, region: "eu-west-1" }).split("\n");
        assert.equal(lines.length, 7);
        assert.equal(lines[0], first);
        assert.equal(lines[5], last);
        assert.equal(lines[6], "");
        assert.deepEqual(lines.slice(0, 6).map((l) => NAMES.find((n) => l.includes(n))), NAMES);
      });
    }
  },
});

Deno.test({
  name: "renderEnv() leaves out an empty session token",
  permissions: "none",
  fn() {
    assert.ok(!renderEnv({ ...CREDS, sessionToken: "" }, { format: "sh" }).includes("TOKEN"));
  },
});

Deno.test({
  name: "renderEnv() refuses an empty access key id or secret, as renderProcess() does",
  permissions: "none",
  async fn(t) {
    const cases: [string, Partial<RoleCredentials>, RegExp][] = [
      ["empty access key id", { accessKeyId: "" }, /AWS_ACCESS_KEY_ID/],
      ["empty secret", { secretAccessKey: "" }, /AWS_SECRET_ACCESS_KEY/],
    ];
    for (const [name, patch, names] of cases) {
      await t.step(name, () => {
        assert.throws(() => renderEnv({ ...CREDS, ...patch }, { format: "sh" }), (err: unknown) => {
          assert.ok(err instanceof TypeError);
          assert.match(err.message, names);
          assert.ok(!err.message.includes(CREDS.secretAccessKey));
          return true;
        });
      });
    }
  },
});

Deno.test({
  name: "renderEnv() escapes each shell's quote characters",
  permissions: "none",
  async fn(t) {
    const cases: [EnvFormat, string, string][] = [
      ["sh", "a'b", "'a'\\''b'"],
      ["fish", "a'b\\c", "'a\\'b\\\\c'"],
      ["powershell", "a'b’c", "'a''b’’c'"],
    ];
    for (const [format, value, quoted] of cases) {
      await t.step(format, () => {
        const line = renderEnv({ ...CREDS, secretAccessKey: value }, { format }).split("\n")[1]!;
        assert.ok(line.endsWith(quoted), line);
      });
    }
  },
});

Deno.test({
  name: "renderEnv() refuses values cmd and dotenv cannot carry, naming the variable only",
  permissions: "none",
  async fn(t) {
    const cases: [EnvFormat, string][] = [
      ["cmd", 'a"b'],
      ["cmd", "100%"],
      ["cmd", "a\nb"],
      ["cmd", "a\rb"],
      ["dotenv", "it's"],
      ["dotenv", "a\\b"],
      ["dotenv", "${HOME}"],
      ["dotenv", "a\nb"],
      ["sh", "nul\0byte"],
      ["fish", "nul\0byte"],
      ["powershell", "nul\0byte"],
    ];
    for (const [format, value] of cases) {
      await t.step(`${format} ${JSON.stringify(value)}`, () => {
        assert.throws(
          () => renderEnv({ ...CREDS, secretAccessKey: `secret-${value}` }, { format }),
          (err: unknown) => {
            assert.ok(err instanceof TypeError);
            assert.match(err.message, /AWS_SECRET_ACCESS_KEY/);
            assert.ok(!err.message.includes("secret-"), err.message);
            return true;
          },
        );
      });
    }
  },
});

Deno.test({
  name: "renderEnv() refuses an unknown format",
  permissions: "none",
  fn() {
    for (const format of ["bash", "toString", "constructor"]) {
      assert.throws(
        () => renderEnv(CREDS, { format: format as EnvFormat }),
        new TypeError(
          `Unknown env format "${format}": expected sh, fish, powershell, cmd or dotenv`,
        ),
      );
    }
  },
});

for (const sh of ["sh", "bash", "dash"]) {
  Deno.test(`renderEnv() sh: ${sh} reads hostile values back unchanged`, async (t) => {
    await roundTrip(
      t,
      "sh",
      (file, home) => exported(sh, ["-c", 'eval "$(cat "$1")" && exec env -0', sh, file], home),
    );
  });
}

// fish is in Debian (`apt-get install fish`); .ci/run installs it, so this test is not optional.
Deno.test("renderEnv() fish: fish reads hostile values back unchanged", async (t) => {
  assert.ok(canRun("fish"), "fish is not installed: apt-get install fish");
  await roundTrip(
    t,
    "fish",
    (file, home) =>
      exported("fish", ["--no-config", "-c", "cat $argv[1] | source; and exec env -0", file], home),
  );
});

// PowerShell is not in Debian's archive, so it cannot be required here.
const HAS_PWSH = canRun("pwsh", ["-NoLogo", "-NoProfile", "-Command", "exit 0"]);
Deno.test({
  name: "renderEnv() powershell: pwsh reads hostile values back unchanged" +
    (HAS_PWSH ? "" : " (skipped: pwsh is not installed)"),
  ignore: !HAS_PWSH,
  async fn(t) {
    await roundTrip(t, "powershell", (file, home) =>
      exported("pwsh", [
        "-NoLogo",
        "-NoProfile",
        "-NonInteractive",
        "-Command",
        `Get-Content -Raw -LiteralPath '${file}' | Invoke-Expression; env -0`,
      ], home));
  },
});

/** The hostile values dotenv carries (those without ', \, $ or line breaks). */
const DOTENV_SAFE = HOSTILE.filter(([, v]) => !/['\\$\r\n]/.test(v));

Deno.test("renderEnv() dotenv: deno --env-file reads values back unchanged", async (t) => {
  await roundTrip(t, "dotenv", async (file, home) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `--env-file=${file}`,
        `Deno.stdout.writeSync(new TextEncoder().encode(Object.entries(Deno.env.toObject())` +
        `.map(([k, v]) => k + "=" + v + "\\0").join("")))`,
      ],
      env: { HOME: home, NO_COLOR: "1", DENO_DIR: Deno.env.get("DENO_DIR") ?? join(home, "deno") },
      clearEnv: true,
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return parseEnvZero(out.stdout);
  }, DOTENV_SAFE);
});

const NODE_ENV_FILE = canRun("node", ["--env-file=/dev/null", "-e", ""]);
Deno.test({
  name: "renderEnv() dotenv: node --env-file reads values back unchanged" +
    (NODE_ENV_FILE ? "" : " (skipped: no Node.js 20.6+)"),
  ignore: !NODE_ENV_FILE,
  async fn(t) {
    await roundTrip(t, "dotenv", async (file, home) => {
      const out = await new Deno.Command("node", {
        args: [
          `--env-file=${file}`,
          "-e",
          "require('child_process').spawn('env', ['-0'], {stdio: 'inherit'})",
        ],
        env: { HOME: home, PATH: "/usr/bin:/bin:/usr/local/bin" },
        clearEnv: true,
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      return parseEnvZero(out.stdout);
    }, DOTENV_SAFE);
  },
});

Deno.test({
  name: "renderEnv() dotenv: the npm dotenv parser reads values back unchanged",
  permissions: "none",
  async fn(t) {
    for (const [name, value] of DOTENV_SAFE) {
      await t.step(name, () => {
        const text = renderEnv(hostileCreds(value), { format: "dotenv", region: `R${value}` });
        assert.deepEqual({ ...parseDotenv(text) }, expected(value));
      });
    }
  },
});

/** `NAME=value\0…` → the AWS_* variables. */
function parseEnvZero(bytes: Uint8Array): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const entry of new TextDecoder().decode(bytes).split("\0")) {
    const eq = entry.indexOf("=");
    if (NAMES.includes(entry.slice(0, eq))) vars[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return vars;
}

Deno.test({
  name: "defaultEnvFormat() gives export lines, and on Windows picks the shell the user is in",
  permissions: "none",
  async fn(t) {
    const profile = "C:\\Users\\ann";
    const machine = "C:\\Program Files\\WindowsPowerShell\\Modules;" +
      "C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\Modules";
    const cases: [string, Record<string, string>, string, EnvFormat][] = [
      ["no SHELL on linux", {}, "linux", "sh"],
      ["bash", { SHELL: "/bin/bash" }, "linux", "sh"],
      ["zsh on macOS", { SHELL: "/bin/zsh" }, "darwin", "sh"],
      ["fish as login shell", { SHELL: "/usr/local/bin/fish" }, "darwin", "sh"],
      ["pwsh as login shell", { SHELL: "/usr/bin/pwsh" }, "linux", "sh"],
      [
        "cmd.exe: PSModulePath is machine-wide only",
        {
          USERPROFILE: profile,
          PSModulePath: machine,
        },
        "windows",
        "cmd",
      ],
      ["cmd.exe without PSModulePath", {}, "windows", "cmd"],
      [
        "Windows PowerShell 5.1",
        {
          USERPROFILE: profile,
          PSModulePath: `${profile}\\Documents\\WindowsPowerShell\\Modules;${machine}`,
        },
        "windows",
        "powershell",
      ],
      [
        "pwsh 7 with OneDrive documents",
        {
          USERPROFILE: profile,
          PSModulePath:
            `${profile}\\OneDrive\\Documents\\PowerShell\\Modules;C:\\Program Files\\PowerShell\\Modules;` +
            machine,
        },
        "windows",
        "powershell",
      ],
      [
        "Documents redirected to a share",
        {
          USERPROFILE: profile,
          PSModulePath: `\\\\srv\\home\\ann\\Documents\\WindowsPowerShell\\Modules;${machine}`,
        },
        "windows",
        "powershell",
      ],
      ["Git Bash on Windows", { SHELL: "/usr/bin/bash", PSModulePath: machine }, "windows", "sh"],
    ];
    for (const [name, vars, os, format] of cases) {
      await t.step(name, () => {
        assert.equal(defaultEnvFormat((n) => vars[n], os), format);
      });
    }
  },
});

Deno.test("renderEnv() unset: the shells remove the variables before setting the keys", async (t) => {
  const unset = ["AWS_SECURITY_TOKEN", "AWS_PROFILE"];
  await using tmp = await withTmpDir();
  const shells: [EnvFormat, string, string[]][] = [
    ["sh", "sh", ["-c", 'eval "$(cat "$1")" && exec env -0']],
    ["sh", "bash", ["-c", 'eval "$(cat "$1")" && exec env -0']],
    ["sh", "dash", ["-c", 'eval "$(cat "$1")" && exec env -0']],
    ["fish", "fish", ["--no-config", "-c", "cat $argv[1] | source; and exec env -0"]],
  ];
  for (const [format, program, args] of shells) {
    await t.step(program, async () => {
      const file = join(tmp.path, `creds.${program}`);
      await Deno.writeTextFile(file, renderEnv(CREDS, { format, unset }));
      const out = await new Deno.Command(program, {
        args: program === "fish" ? [...args, file] : [...args, program, file],
        env: { PATH: "/usr/bin:/bin", HOME: tmp.path, AWS_PROFILE: "p", AWS_SECURITY_TOKEN: "s" },
        clearEnv: true,
        stdin: "null",
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const names = new TextDecoder().decode(out.stdout).split("\0").map((e) => e.split("=")[0]);
      assert.ok(names.includes("AWS_ACCESS_KEY_ID"));
      for (const name of unset) assert.ok(!names.includes(name), `${name} still set`);
    });
  }
  await t.step("powershell and cmd", () => {
    assert.match(
      renderEnv(CREDS, { format: "powershell", unset }),
      /^Remove-Item Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue\nRemove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\n\$Env:AWS_ACCESS_KEY_ID = /,
    );
    assert.match(
      renderEnv(CREDS, { format: "cmd", unset }),
      /^set "AWS_SECURITY_TOKEN="\nset "AWS_PROFILE="\nset "AWS_ACCESS_KEY_ID=/,
    );
  });
  await t.step("dotenv cannot, and no name but a variable's", () => {
    assert.throws(() => renderEnv(CREDS, { format: "dotenv", unset }), /dotenv/);
    assert.throws(() => renderEnv(CREDS, { format: "sh", unset: ["A; rm -rf ~"] }), /Cannot unset/);
  });
});
