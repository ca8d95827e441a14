/**
 * End-to-end harness: runs the CLI as a child process under exactly the permission flags of
 * `src/cli/permissions.ts`, with a temp HOME, a clean environment, against the fake AWS.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runFlags } from "../../src/cli/permissions.ts";

/** The repository root. */
export const ROOT: string = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The CLI entry point. */
export const CLI: string = join(ROOT, "cli.ts");
/** A "browser" that approves the sign-in: it follows the authorize URL's redirect with curl. */
export const FAKE_BROWSER: string = join(ROOT, "tests", "e2e", "fake_browser.sh");

/** What a CLI run printed. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@linkcode runCli}. */
export interface RunCliOptions {
  /** The temp HOME. */
  home: string;
  /** Environment variables (the fake's endpoints, BROWSER, …); PATH is added. */
  env?: Record<string, string>;
  /** Permission flags instead of the documented ones (to show what fails outside them). */
  flags?: string[];
  /** Extra `deno run` options placed before the flags (e.g. `--cached-only`). */
  denoOptions?: string[];
}

/**
 * What Deno itself reads to trust the machine's TLS (a CA that a proxy signs with), for the
 * packages a run without a lockfile resolves from the npm registry. aws-sso reads none of them.
 */
const DENO_TLS_VARIABLES = ["DENO_CERT", "DENO_TLS_CA_STORE", "NODE_EXTRA_CA_CERTS"];

/** The environment a CLI run sees. */
export function cliEnv(options: RunCliOptions): Record<string, string> {
  const tls = DENO_TLS_VARIABLES.flatMap((name) => {
    const value = Deno.env.get(name);
    return value === undefined ? [] : [[name, value] as const];
  });
  return {
    HOME: options.home,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME") ?? "/root", ".cache", "deno"),
    NO_COLOR: "1",
    ...Object.fromEntries(tls),
    ...options.env,
  };
}

/** The `deno run` arguments of a CLI run. */
export function cliArgs(args: string[], options: RunCliOptions): string[] {
  const env = cliEnv(options);
  const flags = options.flags ?? runFlags((n) => env[n], Deno.build.os);
  return ["run", ...(options.denoOptions ?? []), ...flags, CLI, ...args];
}

/** The command `aws-sso ARGS` (stdin closed, output piped, in `home`), to run or spawn. */
export function cliCommand(args: string[], options: RunCliOptions): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: cliArgs(args, options),
    env: cliEnv(options),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    cwd: options.home,
  });
}

/** Runs `aws-sso ARGS` and collects its exit code and output. */
export async function runCli(args: string[], options: RunCliOptions): Promise<CliResult> {
  const out = await cliCommand(args, options).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Writes `~/.aws/config` with an sso-session profile `corp` and a legacy profile `legacy`. */
export async function writeSsoConfig(
  home: string,
  startUrl: string,
  extra = "",
): Promise<string> {
  await Deno.mkdir(join(home, ".aws"), { recursive: true, mode: 0o700 });
  const path = join(home, ".aws", "config");
  await Deno.writeTextFile(
    path,
    `# my AWS config\n[profile corp]\nsso_session = corp\nregion = eu-west-1\n\n` +
      `[sso-session corp]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\n` +
      `sso_registration_scopes = sso:account:access\n\n` +
      `[profile legacy]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\n` +
      `sso_account_id = 111111111111\nsso_role_name = ReadOnly\n${extra}`,
  );
  return path;
}
