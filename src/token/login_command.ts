/**
 * `login()`: sign in now, whatever the cache holds, and store the token where the AWS CLI and the
 * SDKs find it.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import type { Runtime } from "../runtime.ts";
import { getSsoToken } from "./get_sso_token.ts";
import type { SignInOptions } from "./login.ts";
import type { SsoToken } from "./sso_token.ts";

/** Options of {@linkcode login}. */
export interface LoginOptions extends SignInOptions {
  /** Sign in natively, or through `aws sso login` (default `"native"`). */
  loginWith?: "native" | "aws";
}

/**
 * Signs in to a profile's SSO session (browser PKCE for sso-session profiles, device code for
 * legacy ones or where no browser can be opened) and writes the token to `~/.aws/sso/cache` in
 * the AWS CLI's format, under the session lock.
 *
 * The browser is opened through `runtime.spawn`, with the command that `runtime.env` names:
 * `BROWSER` first, else the system's opener (`open` on macOS, `rundll32` on Windows, `wslview`
 * under WSL, `xdg-open` when `DISPLAY` or `WAYLAND_DISPLAY` is set). Where the environment shows
 * none (an SSH session, no display), `spawn` is not called: the device-code flow writes its URL
 * and code to `runtime.stderr` and waits for the user. A script that opens URLs its own way sets
 * `BROWSER` in its runtime's env and receives the URL as the last argument of `spawn`.
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @param options flow choices
 * @returns the new token
 * @throws {SsoError} `LOGIN_FAILED` or `LOGIN_TIMEOUT`
 * @example
 * ```ts
 * import { denoRuntime, loadSsoProfile, login } from "@ssokit/aws-sso";
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 * import assert from "node:assert/strict";
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws); // a temp HOME whose config points at the fake
 * const runtime = { ...denoRuntime(), ...home.runtime };
 * const profile = await loadSsoProfile(runtime, "corp");
 *
 * const token = await login(runtime, profile); // opens the "browser", which approves
 * assert.equal(token.startUrl, aws.startUrl);
 * ```
 */
export function login(
  runtime: Runtime,
  profile: SsoProfile,
  options: LoginOptions = {},
): Promise<SsoToken> {
  return getSsoToken(runtime, profile, { ...options, login: "auto", force: true });
}
