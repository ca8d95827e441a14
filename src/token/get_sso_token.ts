/**
 * A usable SSO token for a profile: from the cache, refreshed, or from a new sign-in, with one
 * sign-in for any number of concurrent processes.
 *
 * @module
 */

import { join } from "../path.ts";
import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { asClause, SsoError } from "../errors.ts";
import { withLock } from "../files/lock.ts";
import type { Runtime } from "../runtime.ts";
import { browserCommand } from "./browser.ts";
import { ssoCacheDir, tokenCacheKey } from "./cache_paths.ts";
import { failureNotePath, readFailureNote, writeFailureNote } from "./failure_notes.ts";
// The sign-in code (and the OIDC client behind it) loads only when a refresh or sign-in is due.
import type { SignInOptions } from "./login.ts";
import { EXPIRY_WINDOW_MS, expiryOf, type SsoToken } from "./sso_token.ts";
import { readToken, writeToken } from "./token_store.ts";

/** A token with less than this left is not handed out (a call made with it could fail mid-way). */
export const MIN_VALIDITY_MS = 60_000;

/** Whether a token has less than {@linkcode MIN_VALIDITY_MS} left: as good as expired. */
function spent(token: SsoToken, now: number): boolean {
  return token.expiresAt - now < MIN_VALIDITY_MS;
}

/** When sign-in may happen. */
export type LoginPolicy =
  /** Sign in whenever needed (browser, or device code where none can be opened). */
  | "auto"
  /** Sign in only where a browser can be opened; elsewhere fail at once (credential_process). */
  | "browser-only"
  /** Never sign in: fail with `LOGIN_REQUIRED` (`--no-login`). */
  | "never";

/** Options of {@linkcode getSsoToken}. */
export interface GetSsoTokenOptions extends SignInOptions {
  /** When sign-in may happen (default `"auto"`). */
  login?: LoginPolicy;
  /** Sign in natively, or through `aws sso login` (default `"native"`). */
  loginWith?: "native" | "aws";
  /** Sign in even when a valid token is cached (`--login`). */
  force?: boolean;
  /** How a user runs the sign-in by hand, for messages (default `aws-sso -p NAME --login`). */
  loginCommand?: string;
  /**
   * An access token the portal has just refused (401): a cached token equal to it is dead, so
   * sign in again unless another process already has.
   */
  rejected?: string;
  /**
   * Awaited just before a sign-in starts, so that what it throws comes first: a call that cannot
   * be made needs no sign-in (`withSsoToken` passes the portal client it is building).
   */
  beforeSignIn?: () => Promise<unknown>;
}

/**
 * After a refused refresh, how long a still-valid token is handed out without trying again:
 * botocore tries at most once a minute too. Recorded in a file, so that the many processes of a
 * burst of `credential_process` calls do not each queue on the lock for a refresh that fails.
 */
export const REFRESH_RETRY_MS = 60_000;

/** Whether refreshing this very token failed less than {@linkcode REFRESH_RETRY_MS} ago. */
async function refreshFailedRecently(
  runtime: Runtime,
  profile: SsoProfile,
  token: SsoToken,
  now: number,
): Promise<boolean> {
  const note = await readFailureNote(runtime, profile, "refresh-failed");
  const failedAt = note?.failedAt;
  return note?.tokenExpiresAt === token.expiresAt && typeof failedAt === "number" &&
    failedAt <= now && now - failedAt < REFRESH_RETRY_MS;
}

/**
 * A sign-in that failed at or after `since` (while this caller waited for it), as the error to
 * fail with; `null` when there is none.
 */
async function loginFailedSince(
  runtime: Runtime,
  profile: SsoProfile,
  since: number,
  command: string,
): Promise<SsoError | null> {
  const note = await readFailureNote(runtime, profile, "login-failed");
  const failedAt = note?.failedAt;
  // A note from the future (the clock was set back since) tells nothing about this caller.
  if (!note || typeof failedAt !== "number" || failedAt < since || failedAt > runtime.now()) {
    return null;
  }
  const why = typeof note.message === "string" ? note.message : "it did not complete";
  return new SsoError(
    "LOGIN_FAILED",
    `Signing in failed in another aws-sso process a moment ago: ${asClause(why)}`,
    { hint: `sign in with: ${command}` },
  );
}

/**
 * Notes a failed sign-in for the callers queued behind it. SsoError messages never hold
 * secrets; any other error is noted without its text.
 */
async function noteLoginFailed(runtime: Runtime, profile: SsoProfile, err: unknown) {
  await writeFailureNote(runtime, profile, "login-failed", {
    failedAt: runtime.now(),
    pid: runtime.pid,
    message: err instanceof SsoError ? err.message : "it did not complete",
  });
}

function refreshable(profile: SsoProfile, token: SsoToken, now: number): boolean {
  return profile.sessionName !== undefined && !!token.refreshToken && !!token.clientId &&
    !!token.clientSecret && (token.registrationExpiresAt ?? 0) > now;
}

/** Good enough to hand out without taking the lock. */
function fresh(profile: SsoProfile, token: SsoToken | null, now: number): token is SsoToken {
  if (!token || spent(token, now)) return false;
  // botocore refreshes when less than 15 minutes are left (`remaining < _REFRESH_WINDOW`).
  return !(refreshable(profile, token, now) && token.expiresAt - now < EXPIRY_WINDOW_MS);
}

/** How a refresh ended: a new token, refused (revoked, expired), or failed for now (5xx, network). */
type Refreshed = { token: SsoToken } | { refused: true } | { failed: unknown };

async function refresh(
  runtime: Runtime,
  profile: SsoProfile,
  token: SsoToken,
): Promise<Refreshed> {
  try {
    const [{ oidcFor }, { withOidcRetry }] = await Promise.all([
      import("./login.ts"),
      import("./oidc_retry.ts"),
    ]);
    const oidc = await oidcFor(runtime, profile);
    // A passing fault is ridden out: signing in instead would cost the user a browser visit.
    const out = await withOidcRetry(runtime, () =>
      oidc.createToken({
        clientId: token.clientId!,
        clientSecret: token.clientSecret!,
        grantType: "refresh_token",
        refreshToken: token.refreshToken!,
      }));
    return {
      token: {
        ...token,
        accessToken: out.accessToken,
        expiresAt: expiryOf(runtime.now(), out.expiresIn),
        ...(out.refreshToken ? { refreshToken: out.refreshToken } : {}),
      },
    };
  } catch (err) {
    const { isRetryableError } = await import("../portal/rate_limiter.ts");
    return isRetryableError(err) ? { failed: err } : { refused: true };
  }
}

/** The lock that serialises refresh and sign-in of one SSO session across processes. */
export function sessionLockPath(runtime: Runtime, profile: SsoProfile): string {
  return join(ssoCacheDir(runtime.env), `${tokenCacheKey(profile)}.lock`);
}

async function loginWithAwsCli(
  runtime: Runtime,
  profile: SsoProfile,
  options: GetSsoTokenOptions,
): Promise<SsoToken> {
  // The AWS CLI chooses the flow (and its own timeout); the user's choices go along with it.
  const code = await runtime.spawn("aws", [
    "sso",
    "login",
    "--profile",
    profile.profileName,
    ...(options.noBrowser ? ["--no-browser"] : []),
    ...(options.useDeviceCode ? ["--use-device-code"] : []),
  ]);
  const token = await readToken(runtime, profile);
  if (code !== 0 || !token || spent(token, runtime.now())) {
    throw new SsoError(
      "LOGIN_FAILED",
      `"aws sso login --profile ${profile.profileName}" did not sign in (exit code ${code})`,
      { hint: "run it yourself to see why (it takes AWS CLI v2), or leave out --login-with aws" },
    );
  }
  return token;
}

/**
 * Returns a usable SSO access token for a profile. A cached token is used while it has more than
 * a minute left; an sso-session token is refreshed with its refresh token within 15 minutes of
 * expiry (a failed refresh keeps the old token while it is valid); otherwise the user signs in.
 * Refresh and sign-in hold a per-session lock, and a process that waited re-reads the cache, so
 * twenty concurrent callers cause one sign-in.
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @param options sign-in policy and flow
 * @returns the token
 * @throws {SsoError} `LOGIN_REQUIRED` when sign-in is needed but not allowed here, or the errors
 *   of sign-in
 * @example
 * ```ts
 * import { denoRuntime, getSsoToken, loadSsoProfile } from "@ssokit/aws-sso";
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 * import assert from "node:assert/strict";
 *
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws);
 * const runtime = { ...denoRuntime(), ...home.runtime };
 * const profile = await loadSsoProfile(runtime, "corp");
 *
 * // No session yet and sign-in not allowed: fails at once, with the command to run.
 * await assert.rejects(getSsoToken(runtime, profile, { login: "never" }), /LOGIN_REQUIRED|there is no SSO session/);
 * const token = await getSsoToken(runtime, profile); // signs in through the "browser"
 * assert.equal((await getSsoToken(runtime, profile)).accessToken, token.accessToken); // cached
 * ```
 */
export async function getSsoToken(
  runtime: Runtime,
  profile: SsoProfile,
  options: GetSsoTokenOptions = {},
): Promise<SsoToken> {
  const usable = (t: SsoToken | null, now: number): boolean =>
    !options.force && fresh(profile, t, now) && t?.accessToken !== options.rejected;
  // Valid, but its refresh was refused a moment ago: hand it out without queueing on the lock.
  const keep = async (t: SsoToken, now: number): Promise<boolean> =>
    !options.force && t.accessToken !== options.rejected && !spent(t, now) &&
    await refreshFailedRecently(runtime, profile, t, now);
  const cached = await readToken(runtime, profile);
  if (cached && (usable(cached, runtime.now()) || await keep(cached, runtime.now()))) {
    return cached;
  }
  const asked = runtime.now();
  return await withLock(runtime, sessionLockPath(runtime, profile), async () => {
    let now = runtime.now();
    const token = await readToken(runtime, profile);
    if (token && (usable(token, now) || await keep(token, now))) return token;
    if (!options.force && token) {
      const dead = token.accessToken === options.rejected;
      if (refreshable(profile, token, now)) {
        const renewed = await refresh(runtime, profile, token);
        if ("token" in renewed) {
          await writeToken(runtime, profile, renewed.token);
          return renewed.token;
        }
        // botocore and the JS SDK refresh without this lock: one of them may have spent the
        // refresh token just before (or while ours was retried), and written the token it got.
        const theirs = await readToken(runtime, profile);
        if (
          theirs && theirs.accessToken !== token.accessToken &&
          theirs.accessToken !== options.rejected && !spent(theirs, runtime.now())
        ) {
          return theirs;
        }
        await writeFailureNote(runtime, profile, "refresh-failed", {
          tokenExpiresAt: token.expiresAt,
          failedAt: runtime.now(),
        });
        // The retries took time: judge the old token by the clock as it is now.
        now = runtime.now();
        if ("failed" in renewed && (dead || spent(token, now))) {
          // The refresh token may well be good: a sign-in would not get past a failing service.
          const { portalError } = await import("../portal/portal_errors.ts");
          throw portalError(
            renewed.failed,
            `Cannot refresh the SSO session of profile "${profile.profileName}"`,
          );
        }
      }
      if (!dead && !spent(token, now)) return token;
    }
    assertMayLogIn(runtime, profile, options, token);
    // The sign-in this caller waited for failed (refused, abandoned, timed out): one is enough
    // for a burst of callers. A caller that comes later, or `--login`, tries again.
    const failed = options.force
      ? null
      : await loginFailedSince(runtime, profile, asked, loginCommand(profile, options));
    if (failed) throw failed;
    await options.beforeSignIn?.();
    let signedIn: SsoToken;
    try {
      signedIn = options.loginWith === "aws"
        ? await loginWithAwsCli(runtime, profile, options)
        : await (await import("./login.ts")).performLogin(runtime, profile, {
          ...options,
          // In a credential_process nobody sees the URL: a browser that fails to open is the end.
          ...(options.login === "browser-only"
            ? { requireBrowser: { loginCommand: loginCommand(profile, options) } }
            : {}),
        });
    } catch (err) {
      await noteLoginFailed(runtime, profile, err);
      throw err;
    }
    if (options.loginWith !== "aws") await writeToken(runtime, profile, signedIn);
    await runtime.fs.remove(failureNotePath(runtime, profile, "login-failed")).catch(() => {});
    return signedIn;
  });
}

/** How the user signs in by hand, for messages. */
function loginCommand(profile: SsoProfile, options: GetSsoTokenOptions): string {
  return options.loginCommand ?? `aws-sso -p ${profile.profileName} --login`;
}

function assertMayLogIn(
  runtime: Runtime,
  profile: SsoProfile,
  options: GetSsoTokenOptions,
  token: SsoToken | null,
): void {
  const policy = options.login ?? "auto";
  const headless = policy === "browser-only" && browserCommand(runtime) === null &&
    options.loginWith !== "aws";
  if (policy !== "never" && !headless) return;
  const command = loginCommand(profile, options);
  const why = token ? "the SSO session has expired" : "there is no SSO session yet";
  throw new SsoError(
    "LOGIN_REQUIRED",
    `Cannot get credentials for profile "${profile.profileName}": ${why}`,
    {
      hint: policy === "never"
        ? `sign in with: ${command}`
        : `no browser can be opened here; sign in with: ${command}`,
    },
  );
}
