/**
 * Fixtures of the sign-in layer's tests: a temp HOME, a test runtime whose SDK-backed OIDC and
 * portal clients talk to a fake AWS that shares its injected clock, the two kinds of profile,
 * cached tokens planted as the AWS CLI would leave them, and leak checks.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { SsoProfile } from "../../src/config/resolve_sso_profile.ts";
import type { Runtime, SpawnOptions } from "../../src/runtime.ts";
import {
  type FakeAws,
  type FakeAwsOptions,
  findIssuedSecrets,
  type FindIssuedSecretsOptions,
  type IssuedLogin,
  startFakeAws,
} from "../../testing/mod.ts";
import { type TestRuntime, testRuntime } from "../helpers.ts";

/** The repository root. */
export const ROOT: string = new URL("../../", import.meta.url).pathname;

/** Lowercase hex SHA-1 of the UTF-8 bytes of `text`, computed with WebCrypto (not the code under test). */
export async function sha1(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `YYYY-MM-DDTHH:MM:SSZ` of epoch ms, as botocore writes times. */
export function zulu(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** An sso-session profile `corp` (session `corp`, scopes `sso:account:access`). */
export function corpProfile(startUrl: string, session = "corp"): SsoProfile {
  return {
    profileName: "corp",
    startUrl,
    ssoRegion: "us-east-1",
    sessionName: session,
    scopes: ["sso:account:access"],
    accountId: "111111111111",
    roleName: "ReadOnly",
  };
}

/** A legacy profile `legacy` (start URL and region in the profile, no session, no scopes). */
export function legacyProfile(startUrl: string): SsoProfile {
  return {
    profileName: "legacy",
    startUrl,
    ssoRegion: "us-east-1",
    accountId: "111111111111",
    roleName: "ReadOnly",
  };
}

/** A call of the runtime's `spawn`. */
export interface SpawnCall {
  command: string;
  args: string[];
  options: SpawnOptions | undefined;
}

/** Everything one test needs; dispose of it with `await using`. */
export interface TokenEnv extends AsyncDisposable {
  /** The fake AWS, on the runtime's clock unless its options give another. */
  aws: FakeAws;
  /** The temp HOME. */
  home: string;
  /** `HOME/.aws/sso/cache`. */
  cacheDir: string;
  /** The runtime under test (env: HOME, the fake's endpoints, and `env`). */
  rt: TestRuntime;
  /** Every `sleep(ms)` asked for (only with `fakeSleep`). */
  slept: number[];
  /** Every `spawn` call, in order. */
  spawned: SpawnCall[];
  /** The token file of a profile. */
  tokenPath(profile: SsoProfile): Promise<string>;
}

/** Options of {@linkcode tokenEnv}. */
export interface TokenEnvOptions {
  /** Options of the fake (its clock is the runtime's unless they give one). */
  fake?: FakeAwsOptions;
  /** Extra environment variables (e.g. `BROWSER`). */
  env?: Record<string, string>;
  /** `sleep` moves the injected clock at once instead of waiting (default false). */
  fakeSleep?: boolean;
  /** What `spawn` does (default: really run the program). Calls are recorded either way. */
  spawn?: Runtime["spawn"];
  /** The injected clock's start (default: the real now, cut to whole seconds). */
  now?: number;
}

/** Starts a fake AWS and builds a test runtime pointed at it, in a fresh temp HOME. */
export async function tokenEnv(options: TokenEnvOptions = {}): Promise<TokenEnv> {
  const home = await Deno.makeTempDir({ prefix: "aws-sso-token-test-" });
  const slept: number[] = [];
  const spawned: SpawnCall[] = [];
  const realSpawn = testRuntime({ home }).spawn;
  const overrides: Partial<Runtime> = {
    spawn(command, args, spawnOptions) {
      spawned.push({ command, args: [...args], options: spawnOptions });
      return (options.spawn ?? realSpawn)(command, args, spawnOptions);
    },
  };
  if (options.fakeSleep) {
    overrides.sleep = (ms) => {
      slept.push(ms);
      rt.advance(ms);
      return Promise.resolve();
    };
  }
  const rt = testRuntime({
    home,
    // Whole seconds, as token files hold them: "exactly 15 minutes left" is then exact.
    now: options.now ?? Math.floor(Date.now() / 1000) * 1000,
    overrides,
  });
  const aws = await startFakeAws({ now: () => rt.now(), ...options.fake });
  Object.assign(rt.vars, aws.env, options.env);
  const cacheDir = join(home, ".aws", "sso", "cache");
  return {
    aws,
    home,
    cacheDir,
    rt,
    slept,
    spawned,
    async tokenPath(profile) {
      return join(cacheDir, `${await sha1(profile.sessionName ?? profile.startUrl)}.json`);
    },
    async [Symbol.asyncDispose]() {
      await aws.close();
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}

/** Options of {@linkcode plantToken}. */
export interface PlantTokenOptions {
  /** How long the access token has left, ms (negative: expired that long ago). */
  leftMs: number;
  /** Include clientId, clientSecret, registrationExpiresAt and refreshToken (default true). */
  refreshable?: boolean;
  /** When the registration expires, relative to now, ms (default: as the fake issued it). */
  registrationLeftMs?: number;
}

/**
 * Starts a session at the fake (as a finished login would) and writes its token to the profile's
 * token file in botocore's format, written here by hand so as not to depend on the code under
 * test. Returns the issued login.
 */
export async function plantToken(
  env: TokenEnv,
  profile: SsoProfile,
  options: PlantTokenOptions,
): Promise<IssuedLogin> {
  const login = env.aws.issueTokens({ scopes: profile.scopes ?? ["sso:account:access"] });
  const now = env.rt.now();
  const q = JSON.stringify;
  let text = `{"startUrl": ${q(profile.startUrl)}, "region": ${q(profile.ssoRegion)}, ` +
    `"accessToken": ${q(login.accessToken)}, "expiresAt": "${zulu(now + options.leftMs)}"`;
  if (options.refreshable ?? true) {
    const regExpiry = options.registrationLeftMs !== undefined
      ? now + options.registrationLeftMs
      : login.clientSecretExpiresAt * 1000;
    text += `, "clientId": ${q(login.clientId)}, "clientSecret": ${q(login.clientSecret)}, ` +
      `"registrationExpiresAt": "${zulu(regExpiry)}", "refreshToken": ${q(login.refreshToken)}`;
  }
  text += "}";
  await Deno.mkdir(env.cacheDir, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(await env.tokenPath(profile), text, { mode: 0o600 });
  return login;
}

/** The text of an error and its causes: messages, hints, stacks and own properties. */
export function errorText(err: unknown): string {
  let out = "";
  let cause: unknown = err;
  for (let depth = 0; cause !== undefined && cause !== null && depth < 10; depth++) {
    if (cause instanceof Error) {
      out += `${String(cause)}\n${cause.stack ?? ""}\n`;
      const hint = (cause as { hint?: unknown }).hint;
      if (typeof hint === "string") out += `hint: ${hint}\n`;
      try {
        out += JSON.stringify(cause) + "\n";
      } catch {
        // circular: the message and stack are enough
      }
      cause = cause.cause;
    } else {
      out += `${String(cause)}\n`;
      break;
    }
  }
  return out;
}

/** Asserts that no secret the fake issued occurs in any of `texts`. */
export function assertNoSecrets(
  aws: FakeAws,
  texts: string[],
  options: FindIssuedSecretsOptions = {},
): void {
  const issued = aws.issued;
  const total = Object.values(issued).reduce((n, list) => n + list.length, 0);
  assert.ok(total > 0, "the fake issued no secret: the leak check would prove nothing");
  const found = findIssuedSecrets(texts.join("\n"), issued, options);
  assert.deepEqual(
    found.map((f) => f.kind),
    [],
    "secrets leaked into messages or stderr",
  );
}

/** Runs `fn`, which must reject; returns the error. */
export async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail("expected a rejection");
}

/** The fake's OIDC request counts, for "no OIDC call" checks. */
export function oidcCalls(aws: FakeAws): number {
  const c = aws.counters;
  return c.registerClient + c.startDeviceAuthorization + c.authorize + c.createToken.device_code +
    c.createToken.refresh_token + c.createToken.authorization_code;
}
