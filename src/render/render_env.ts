/**
 * Environment-variable output (`-env`, spec §6 and §7): lines a shell evaluates, or a `.env` file.
 *
 * @module
 */

import { isoOffset } from "../aws_time.ts";
import type { RoleCredentials } from "../role_credentials.ts";

/** The output formats of {@linkcode renderEnv}. */
export type EnvFormat = "sh" | "fish" | "powershell" | "cmd" | "dotenv";

/** Options of {@linkcode renderEnv}. */
export interface RenderEnvOptions {
  /**
   * - `sh`: `export X='…'` for `eval "$(…)"` in sh, bash, dash, zsh, ksh (the Python tool's form);
   * - `fish`: `set -gx X '…'` for `… | source`;
   * - `powershell`: `$Env:X = '…'` for `… | Invoke-Expression` (Windows PowerShell 5.1, pwsh 7);
   * - `cmd`: `set "X=…"` for `for /f "delims=" %i in ('…') do %i` or a `.cmd` file;
   * - `dotenv`: `X='…'`, a `.env` file (see {@linkcode renderEnv} for the readers).
   */
  format: EnvFormat;
  /** When given, `AWS_REGION` and `AWS_DEFAULT_REGION` are set to it (default: neither line). */
  region?: string | undefined;
  /**
   * Variables to remove first (default none), such as `AWS_PROFILE`, which some SDKs take over
   * the keys. Not for `dotenv`, which cannot remove a variable.
   */
  unset?: string[] | undefined;
}

/**
 * Lines that set `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
 * `AWS_CREDENTIAL_EXPIRATION` (`YYYY-MM-DDTHH:MM:SS+00:00`, as the AWS CLI prints it) and, with
 * `region`, `AWS_REGION` and `AWS_DEFAULT_REGION`, in that order (that of
 * `aws configure export-credentials`), each ending in `\n`.
 *
 * Every value is quoted so that the shell reads it back byte for byte, whatever it holds:
 * - `sh`: single quotes; `'` is written `'\''`. Nothing inside single quotes is special, not even
 *   a newline.
 * - `fish`: single quotes; `\` and `'` are written `\\` and `\'`, the only escapes there.
 * - `powershell`: single quotes (no `$` or backtick expansion); each quote character is doubled,
 *   including the typographic `‘ ’ ‚ ‛` that PowerShell also treats as single quotes.
 * - `cmd`: `set "X=…"`. cmd has no quoting that is safe for every value: `%` expands on the command
 *   line (and `%%` is only an escape in batch files), and a `"` ends the quoted part and makes
 *   `& | < > ^` special again. Values with `"`, `%`, CR or LF are therefore refused. With delayed
 *   expansion on (`cmd /v:on`, off by default) `!` would expand as well. AWS keys, secrets and
 *   tokens are base64 text and never hold any of these.
 * - `dotenv`: single quotes, which the common readers take literally: Deno's and Node.js's
 *   `--env-file`, the npm `dotenv` package, `@std/dotenv` and Docker Compose `env_file`.
 *   python-dotenv still expands `${VAR}` and unescapes `\\` and `\'` inside single quotes, and no
 *   reader allows a `'` inside them, so values with `'`, `\`, `$`, CR or LF are refused.
 *
 * A NUL character cannot be in an environment variable and is refused in every format.
 *
 * @param creds the role credentials
 * @param options the format and optional region
 * @returns the lines
 * @throws {TypeError} when a value cannot be written safely in the format, or the access key id or
 *   secret access key is empty (the message names the variable, never its value), or the format
 *   is unknown
 * @example sh, as `eval "$(aws-sso -p dev -r ARN -env)"` reads it
 * ```ts
 * import { renderEnv } from "@ssokit/aws-sso";
 * import assert from "node:assert/strict";
 *
 * const creds = {
 *   accessKeyId: "ASIAEXAMPLE",
 *   secretAccessKey: "it's",
 *   sessionToken: "token",
 *   expiration: Date.UTC(2026, 10, 25, 19, 0, 0),
 *   accountId: "123456789012",
 * };
 * assert.equal(
 *   renderEnv(creds, { format: "sh", region: "eu-west-1" }),
 *   "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\n" +
 *     "export AWS_SECRET_ACCESS_KEY='it'\\''s'\n" +
 *     "export AWS_SESSION_TOKEN='token'\n" +
 *     "export AWS_CREDENTIAL_EXPIRATION='2026-11-25T19:00:00+00:00'\n" +
 *     "export AWS_REGION='eu-west-1'\n" +
 *     "export AWS_DEFAULT_REGION='eu-west-1'\n",
 * );
 * ```
 */
export function renderEnv(creds: RoleCredentials, options: RenderEnvOptions): string {
  const line = Object.hasOwn(LINE, options.format) ? LINE[options.format] : undefined;
  if (line === undefined) {
    throw new TypeError(
      `Unknown env format "${options.format}": expected sh, fish, powershell, cmd or dotenv`,
    );
  }
  if (!creds.accessKeyId) throw new TypeError("Cannot write AWS_ACCESS_KEY_ID: it is empty");
  if (!creds.secretAccessKey) {
    throw new TypeError("Cannot write AWS_SECRET_ACCESS_KEY: it is empty");
  }
  const vars: [string, string][] = [
    ["AWS_ACCESS_KEY_ID", creds.accessKeyId],
    ["AWS_SECRET_ACCESS_KEY", creds.secretAccessKey],
  ];
  if (creds.sessionToken) vars.push(["AWS_SESSION_TOKEN", creds.sessionToken]);
  if (!Number.isFinite(creds.expiration) || Number.isNaN(new Date(creds.expiration).getTime())) {
    throw new TypeError("Cannot write AWS_CREDENTIAL_EXPIRATION: the expiration is not a time");
  }
  vars.push(["AWS_CREDENTIAL_EXPIRATION", isoOffset(creds.expiration)]);
  if (options.region !== undefined) {
    vars.push(["AWS_REGION", options.region], ["AWS_DEFAULT_REGION", options.region]);
  }
  let out = "";
  const unset = options.unset ?? [];
  for (const name of unset) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`Cannot unset "${name}"`);
  }
  if (unset.length > 0) {
    if (options.format === "dotenv") {
      throw new TypeError("Cannot unset variables in a dotenv file");
    }
    out += UNSET[options.format](unset) + "\n";
  }
  for (const [name, value] of vars) {
    if (value.includes("\0")) {
      throw new TypeError(`Cannot write ${name}: the value contains a NUL character`);
    }
    out += line(name, value) + "\n";
  }
  return out;
}

/** One line per format. */
const UNSET: Record<Exclude<EnvFormat, "dotenv">, (names: string[]) => string> = {
  sh: (names) => `unset ${names.join(" ")}`,
  fish: (names) => `set -e ${names.join(" ")}`,
  powershell: (names) =>
    names.map((n) => `Remove-Item Env:${n} -ErrorAction SilentlyContinue`).join("\n"),
  cmd: (names) => names.map((n) => `set "${n}="`).join("\n"),
};

const LINE: Record<EnvFormat, (name: string, value: string) => string> = {
  sh: (name, value) => `export ${name}='${value.replaceAll("'", "'\\''")}'`,
  fish: (name, value) => `set -gx ${name} '${value.replace(/[\\']/g, "\\$&")}'`,
  powershell: (name, value) => `$Env:${name} = '${value.replace(/['\u2018-\u201b]/g, "$&$&")}'`,
  cmd: (name, value) => {
    if (/["%\r\n]/.test(value)) {
      throw new TypeError(
        `Cannot write ${name} for cmd: the value contains ", %, CR or LF, which cmd cannot quote`,
      );
    }
    return `set "${name}=${value}"`;
  },
  dotenv: (name, value) => {
    if (/['\\$\r\n]/.test(value)) {
      throw new TypeError(
        `Cannot write ${name} as dotenv: the value contains ', \\, $, CR or LF, ` +
          "which dotenv readers do not all read back the same",
      );
    }
    return `${name}='${value}'`;
  },
};

/**
 * The format for when `--format` is not given.
 *
 * Elsewhere than Windows, `sh`: the export lines of the Python tool and of the AWS CLI, which every
 * POSIX shell evals. The login shell in `SHELL` says nothing about the shell that runs
 * `eval "$(…)"` (a bash script run by a fish user). On Windows: `sh` when `SHELL` is
 * set (Git Bash, MSYS2 and Cygwin set it), else `powershell` when `PSModulePath` has an entry in
 * the user's profile folder (`%USERPROFILE%\Documents\…\Modules`, which PowerShell adds at
 * start-up), else `cmd`. `PSModulePath` alone is not enough: Windows sets it machine-wide, so
 * cmd.exe has it too. `--format` is the way to be sure.
 *
 * @param env reads an environment variable
 * @param os the operating system, as `Deno.build.os` names it (`"linux"`, `"darwin"`, `"windows"`)
 * @returns the format
 * @example
 * ```ts
 * import { defaultEnvFormat } from "./render_env.ts";
 * import assert from "node:assert/strict";
 *
 * const env = (vars: Record<string, string>) => (name: string) => vars[name];
 * assert.equal(defaultEnvFormat(env({ SHELL: "/usr/bin/fish" }), "linux"), "sh");
 * assert.equal(defaultEnvFormat(env({ SHELL: "/bin/zsh" }), "darwin"), "sh");
 * assert.equal(
 *   defaultEnvFormat(
 *     env({
 *       USERPROFILE: "C:\\Users\\ann",
 *       PSModulePath: "C:\\Users\\ann\\Documents\\PowerShell\\Modules;C:\\Program Files\\PowerShell\\Modules",
 *     }),
 *     "windows",
 *   ),
 *   "powershell",
 * );
 * assert.equal(
 *   defaultEnvFormat(env({ PSModulePath: "C:\\Program Files\\WindowsPowerShell\\Modules" }), "windows"),
 *   "cmd",
 * );
 * ```
 */
export function defaultEnvFormat(env: (name: string) => string | undefined, os: string): EnvFormat {
  if (os !== "windows" || env("SHELL")) return "sh";
  return isInPowerShell(env) ? "powershell" : "cmd";
}

/** Whether `PSModulePath` has the per-user module folder that PowerShell adds when it starts. */
function isInPowerShell(env: (name: string) => string | undefined): boolean {
  const entries = (env("PSModulePath") ?? "").toLowerCase().split(";").filter((e) => e !== "");
  const home = (env("USERPROFILE") ?? "").toLowerCase().replace(/\\+$/, "");
  return entries.some((entry) =>
    (home !== "" && entry.startsWith(home + "\\")) ||
    /\\documents\\(windows)?powershell\\modules\\?$/.test(entry)
  );
}
