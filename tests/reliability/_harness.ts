/**
 * The proving ground's shared harness: a HOME seeded with hand-written profiles and comments, CLI
 * processes started under the documented permission flags with a time limit (and killable), and
 * the checks every reliability test makes: each file parses, hand-written text is kept byte for
 * byte, a failure is one clear line, and no secret the fake issued is where it must not be.
 *
 * @module
 */

import { join, relative } from "node:path";
import { IniDocument } from "../../src/config/ini_document.ts";
import { parseClientRegistration } from "../../src/token/client_registration.ts";
import { sha1Hex } from "../../src/token/sha1_hex.ts";
import { parseSsoToken, serializeSsoToken } from "../../src/token/sso_token.ts";
import type { FakeAws, IssuedSecrets } from "../../testing/mod.ts";
import { cliCommand, FAKE_BROWSER, type RunCliOptions } from "../e2e/_cli.ts";
import { snapshot } from "../helpers.ts";

export { FAKE_BROWSER };

/** The role most runs ask for. */
export const ROLE_ARN = "arn:aws:iam::111111111111:role/ReadOnly";

/** Every role of the fake's sample directory, as ARNs. */
export const SAMPLE_ROLES: readonly string[] = [
  "arn:aws:iam::111111111111:role/AdministratorAccess",
  "arn:aws:iam::111111111111:role/ReadOnly",
  "arn:aws:iam::222222222222:role/AdministratorAccess",
  "arn:aws:iam::222222222222:role/Developer",
  "arn:aws:iam::222222222222:role/ReadOnly",
  "arn:aws:iam::333333333333:role/Developer",
];

/**
 * Hand-written parts of `~/.aws/config`: each must still be in the file, byte for byte, after any
 * run. One is named like a discovered profile but runs another tool: discovery must leave it alone.
 */
export function handConfigChunks(startUrl: string): string[] {
  return [
    "# my AWS config\r\n; keep this comment\r\n",
    "[default]\r\nregion = eu-central-1\r\noutput = json\r\n\r\n",
    "[profile corp]\r\nsso_session = corp\r\nregion = eu-west-1\r\n\r\n",
    `[sso-session corp]\r\nsso_start_url = ${startUrl}\r\nsso_region = us-east-1\r\n` +
    "sso_registration_scopes = sso:account:access\r\n\r\n",
    `[profile legacy]\r\nsso_start_url = ${startUrl}\r\nsso_region = us-east-1\r\n` +
    "sso_account_id = 111111111111\r\nsso_role_name = ReadOnly\r\n\r\n",
    "# a profile of another tool, named like a discovered one\r\n" +
    "[profile 333333333333-Developer]\r\ncredential_process = /usr/local/bin/my-own-tool dev\r\n" +
    "\r\n",
    "[profile hand-written]\r\nrole_arn = arn:aws:iam::999999999999:role/Mine\r\n" +
    "source_profile = corp\r\ns3 =\r\n  max_concurrent_requests = 20\r\n\r\n",
  ];
}

/** Hand-written parts of `~/.aws/credentials`, kept byte for byte whatever is written. */
export const HAND_CREDENTIALS_CHUNKS: readonly string[] = [
  "# my credentials\n; written by hand\n",
  "[work]\naws_access_key_id = AKIAWORKEXAMPLE\naws_secret_access_key = work/secret\n\n",
  "[personal]\n# the personal account\naws_access_key_id = AKIAPERSONALEXAMPLE\n" +
  "aws_secret_access_key = personal/secret\nregion = us-west-2\n",
];

/** What {@linkcode seedHome} wrote. */
export interface SeededHome {
  /** The temp HOME. */
  home: string;
  /** `~/.aws/config`. */
  configPath: string;
  /** `~/.aws/credentials`. */
  credentialsPath: string;
  /** The hand-written chunks of the config file. */
  configChunks: string[];
  /** The hand-written chunks of the credentials file. */
  credentialsChunks: readonly string[];
  /** The token file of the `corp` session. */
  tokenPath: string;
}

/**
 * Writes `~/.aws/config` and `~/.aws/credentials` with hand-written profiles and comments (CRLF
 * in the config), and, with `session`, a signed-in `corp` session as the AWS CLI writes it.
 */
export async function seedHome(
  home: string,
  aws: FakeAws,
  options: { session?: boolean; tokenExpiresInMs?: number } = {},
): Promise<SeededHome> {
  const dir = join(home, ".aws");
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const configChunks = handConfigChunks(aws.startUrl);
  const configPath = join(dir, "config");
  const credentialsPath = join(dir, "credentials");
  await Deno.writeTextFile(configPath, configChunks.join(""));
  await Deno.writeTextFile(credentialsPath, HAND_CREDENTIALS_CHUNKS.join("\n"), { mode: 0o600 });
  const tokenPath = join(dir, "sso", "cache", `${sha1Hex("corp")}.json`);
  if (options.session) await seedToken(home, aws, options.tokenExpiresInMs);
  return {
    home,
    configPath,
    credentialsPath,
    configChunks,
    credentialsChunks: HAND_CREDENTIALS_CHUNKS,
    tokenPath,
  };
}

/**
 * Writes the `corp` session's token file for a new session of the fake (with a refresh token), as
 * the AWS CLI leaves it after `aws sso login`.
 */
export async function seedToken(home: string, aws: FakeAws, expiresInMs?: number): Promise<void> {
  const login = aws.issueTokens({ grantTypes: ["authorization_code", "refresh_token"] });
  const cache = join(home, ".aws", "sso", "cache");
  await Deno.mkdir(cache, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(
    join(cache, `${sha1Hex("corp")}.json`),
    serializeSsoToken({
      startUrl: aws.startUrl,
      region: aws.region,
      accessToken: login.accessToken,
      expiresAt: Date.now() + (expiresInMs ?? login.expiresIn * 1000),
      clientId: login.clientId,
      clientSecret: login.clientSecret,
      registrationExpiresAt: login.clientSecretExpiresAt * 1000,
      ...(login.refreshToken ? { refreshToken: login.refreshToken } : {}),
    }),
    { mode: 0o600 },
  );
}

// --- processes ------------------------------------------------------------------------------

/** How a CLI process ended. */
export interface CliRun {
  args: string[];
  code: number;
  /** The signal that ended it, if one did. */
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
  /** Wall time from start to exit, ms. */
  ms: number;
  /** It was still running at its time limit and was killed. */
  timedOut: boolean;
  /** It was killed on purpose (`kill()`). */
  killed: boolean;
}

/** A started CLI process. */
export interface StartedCli {
  pid: number;
  /** Sends SIGKILL (no-op once it has exited). */
  kill(): void;
  /** Resolves when it has exited. */
  done: Promise<CliRun>;
}

/** Options of {@linkcode startCli}. */
export interface StartCliOptions extends RunCliOptions {
  /** Kill it (and mark it timed out) after this long (default 60 s). */
  timeoutMs?: number;
}

/** Starts `aws-sso ARGS` under the documented permission flags, in `home`, with a time limit. */
export function startCli(args: string[], options: StartCliOptions): StartedCli {
  const start = performance.now();
  const child = cliCommand(args, options).spawn();
  let exited = false;
  let timedOut = false;
  let killed = false;
  const kill = (why: "timeout" | "kill") => {
    if (exited) return;
    if (why === "timeout") timedOut = true;
    else killed = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => kill("timeout"), options.timeoutMs ?? 60_000);
  const done = child.output().then((out) => {
    exited = true;
    clearTimeout(timer);
    const dec = new TextDecoder();
    return {
      args,
      code: out.code,
      signal: out.signal,
      stdout: dec.decode(out.stdout),
      stderr: dec.decode(out.stderr),
      ms: performance.now() - start,
      timedOut,
      killed,
    };
  });
  return { pid: child.pid, kill: () => kill("kill"), done };
}

/** Runs `aws-sso ARGS` to the end (or its time limit). */
export function runCliTimed(args: string[], options: StartCliOptions): Promise<CliRun> {
  return startCli(args, options).done;
}

/** Lines a run may print on stderr besides its error: lock notes, sign-in prompts, notes. */
const INFO_LINE =
  /^(aws-sso: waiting for |aws-sso: tightened |aws-sso: warning: lost |Attempting to open|Open the following URL|If you are unable|If the browser|https?:\/\/|$|Signed in to |Wrote |Would write |Listing roles)/;

/** A V8 stack frame line. */
const STACK_FRAME = /^\s+at /m;

/**
 * What is wrong with a failed run's output, or `null`: the exit code is 1 (2 for a usage error
 * when `usage`), stdout is empty, and stderr holds exactly one `aws-sso: …` error line, then at
 * most one `hint: …` line, besides the lock notes and sign-in prompts a run may print, and no
 * stack trace, no "Unexpected error".
 */
export function cleanFailureProblem(run: CliRun, options: { usage?: boolean } = {}): string | null {
  const want = options.usage ? 2 : 1;
  const say = (what: string) =>
    `${what}: ${
      run.args.join(" ")
    } → code ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
  if (run.timedOut) return say("hung (killed at its time limit)");
  if (run.code !== want) return say(`exit code ${run.code}, expected ${want}`);
  if (run.stdout !== "") return say("output on stdout");
  if (STACK_FRAME.test(run.stderr)) return say("a stack trace");
  if (/Unexpected error/.test(run.stderr)) return say("an unexpected (untyped) error");
  const lines = run.stderr.replace(/\n$/, "").split("\n");
  const errors = lines.flatMap((line, i) => (INFO_LINE.test(line) ? [] : [{ line, i }]));
  const [first, second, ...rest] = errors;
  if (!first || !/^aws-sso: \S/.test(first.line)) return say("no `aws-sso: …` error line");
  if (rest.length > 0) return say("more than one error line and a hint");
  if (second && (!/^hint: \S/.test(second.line) || second.i !== first.i + 1)) {
    return say("a second line that is not the hint");
  }
  return null;
}

/** Runs `fn` over `items` with at most `limit` at once; results in order. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// --- files ----------------------------------------------------------------------------------

export { snapshot };

/** What kind of file a path under HOME is, by where it lives and its name. */
export type FileKind =
  | "config"
  | "credentials"
  | "token"
  | "registration"
  | "role-cache"
  | "recent"
  | "lock"
  | "temp"
  | "other";

/** The kind of a file, from its path relative to HOME. */
export function fileKind(rel: string): FileKind {
  const name = rel.split("/").pop() ?? rel;
  if (/\.tmp$/.test(name)) return "temp";
  if (/\.lock$|\.claim$/.test(name)) return "lock";
  if (rel === ".aws/config") return "config";
  if (rel === ".aws/credentials") return "credentials";
  if (rel === ".aws/aws-sso/recent.json") return "recent";
  if (/^\.aws\/sso\/cache\/[0-9a-f]{40}\.json$/.test(rel)) {
    return "token"; // or a registration: told apart by content in parseProblem
  }
  if (/^\.aws\/cli\/cache\/[0-9a-f]{40}\.json$/.test(rel)) return "role-cache";
  return "other";
}

/**
 * Why a file's text is not a whole file of its kind, or `null` if it is: config and credentials
 * parse as botocore would, a token or registration file parses as one, a role cache entry holds
 * its four credentials. Locks, temp files and others are not judged (`null`).
 */
export function parseProblem(rel: string, text: string): string | null {
  try {
    switch (fileKind(rel)) {
      case "config":
        IniDocument.parse(text, { kind: "config" });
        return null;
      case "credentials":
        IniDocument.parse(text, { kind: "credentials" });
        return null;
      case "token":
        return parseSsoToken(text) || parseClientRegistration(text)
          ? null
          : "neither a token nor a client registration";
      case "role-cache": {
        const c = JSON.parse(text)?.Credentials;
        return typeof c?.AccessKeyId === "string" && typeof c.SecretAccessKey === "string" &&
            typeof c.SessionToken === "string" && typeof c.Expiration === "string"
          ? null
          : "role cache entry without its credentials";
      }
      case "recent":
        return Array.isArray(JSON.parse(text)) ? null : "recent roles not a list";
      default:
        return null;
    }
  } catch (err) {
    return (err as Error).message.split("\n")[0] ?? "cannot parse";
  }
}

/** Every file under HOME that is not a whole file of its kind: `path: why`. */
export async function tornFiles(home: string): Promise<string[]> {
  const problems: string[] = [];
  for (const [rel, bytes] of await snapshot(home)) {
    const problem = parseProblem(rel, new TextDecoder().decode(bytes));
    if (problem) problems.push(`${rel}: ${problem}`);
  }
  return problems;
}

/**
 * Compares HOME before and after a run: each file is unchanged byte for byte or a whole new file
 * of its kind, and no file is lost. Returns the problems found.
 */
export function compareHomes(
  before: Map<string, Uint8Array>,
  after: Map<string, Uint8Array>,
  options: { mayRemove?: (rel: string) => boolean } = {},
): string[] {
  const problems: string[] = [];
  const same = (a: Uint8Array, b: Uint8Array) =>
    a.length === b.length && a.every((byte, i) => byte === b[i]);
  for (const [rel, old] of before) {
    const now = after.get(rel);
    if (now === undefined) {
      if (!(fileKind(rel) === "lock" || fileKind(rel) === "temp" || options.mayRemove?.(rel))) {
        problems.push(`${rel}: lost`);
      }
      continue;
    }
    if (same(old, now)) continue;
    const problem = parseProblem(rel, new TextDecoder().decode(now));
    if (problem) problems.push(`${rel}: changed and torn: ${problem}`);
  }
  for (const [rel, now] of after) {
    if (before.has(rel)) continue;
    const problem = parseProblem(rel, new TextDecoder().decode(now));
    if (problem) problems.push(`${rel}: new and torn: ${problem}`);
  }
  return problems;
}

/** The hand-written chunks missing from the config and credentials files (lost or altered). */
export async function lostHandWritten(seeded: SeededHome): Promise<string[]> {
  const lost: string[] = [];
  const config = await Deno.readTextFile(seeded.configPath);
  const credentials = await Deno.readTextFile(seeded.credentialsPath);
  for (const chunk of seeded.configChunks) {
    if (!config.includes(chunk)) lost.push(`config: ${JSON.stringify(chunk.slice(0, 40))}…`);
  }
  for (const chunk of seeded.credentialsChunks) {
    if (!credentials.includes(chunk)) {
      lost.push(`credentials: ${JSON.stringify(chunk.slice(0, 40))}…`);
    }
  }
  return lost;
}

// --- secrets --------------------------------------------------------------------------------

/** Every secret value of `issued`, with its kind. */
export function secretValues(issued: IssuedSecrets): { kind: string; value: string }[] {
  return Object.entries(issued).flatMap(([kind, values]) =>
    (values as string[]).filter((v) => v.length >= 8).map((value) => ({ kind, value }))
  );
}

/** The secrets of `issued` found in `text` (whole values), as `kind` names. */
export function secretsIn(
  text: string,
  issued: IssuedSecrets,
  allow: readonly string[] = [],
): string[] {
  return secretValues(issued)
    .filter((s) => !allow.includes(s.kind) && text.includes(s.value))
    .map((s) => s.kind);
}

/**
 * Files under HOME that may hold secrets: the token and registration cache, the role cache and
 * the credentials file. Every other file (config, locks, temp files, recent roles) must not.
 */
export function mayHoldSecrets(rel: string): boolean {
  const kind = fileKind(rel);
  return kind === "token" || kind === "role-cache" || kind === "credentials" ||
    // A temp file of a secret file is that file's next content.
    (kind === "temp" && /^\.aws\/(sso\/cache|cli\/cache)\/|^\.aws\/\.credentials\./.test(rel));
}

/** Secrets of `issued` found in files under HOME that must not hold any: `path: kinds`. */
export async function leakedIntoFiles(home: string, issued: IssuedSecrets): Promise<string[]> {
  const leaks: string[] = [];
  for (const [rel, bytes] of await snapshot(home)) {
    if (mayHoldSecrets(rel)) continue;
    const found = secretsIn(new TextDecoder().decode(bytes), issued);
    if (found.length > 0) leaks.push(`${rel}: ${[...new Set(found)].join(", ")}`);
  }
  return leaks;
}

/** Files that hold secrets but are readable by others, and their folders not 0700. */
export async function looseModes(home: string): Promise<string[]> {
  const loose: string[] = [];
  for (const rel of (await snapshot(home)).keys()) {
    const kind = fileKind(rel);
    if (!(kind === "token" || kind === "role-cache" || kind === "credentials")) continue;
    const mode = (await Deno.stat(join(home, rel))).mode! & 0o777;
    if (mode !== 0o600) loose.push(`${rel}: mode ${mode.toString(8)}`);
    const dir = join(home, rel, "..");
    const dirMode = (await Deno.stat(dir)).mode! & 0o777;
    if (dirMode !== 0o700) loose.push(`${relative(home, dir)}/: mode ${dirMode.toString(8)}`);
  }
  return [...new Set(loose)];
}
