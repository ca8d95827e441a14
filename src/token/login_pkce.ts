/**
 * The authorization code flow with PKCE and a loopback redirect, as the AWS CLI v2 runs it
 * (spec §3) but bound to 127.0.0.1 only and answering only the expected `state`.
 *
 * @module
 */

import { describeAwsError } from "../aws_error.ts";
import { SsoError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { browserFailed, openBrowser } from "./browser.ts";
import type { ClientRegistration } from "./client_registration.ts";
import type { CreateTokenOutput, OidcApi } from "./oidc_api.ts";

const VERIFIER_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/** A PKCE code verifier: 64 characters from `[A-Za-z0-9-._~]`, as the AWS CLI makes them. */
export function codeVerifier(): string {
  let out = "";
  while (out.length < 64) {
    // 256 = 3 × 66 + 58: drop bytes ≥ 198 so that every character is equally likely.
    for (const b of crypto.getRandomValues(new Uint8Array(64))) {
      if (b < 198 && out.length < 64) out += VERIFIER_CHARS[b % 66];
    }
  }
  return out;
}

/** The S256 challenge: unpadded base64url of SHA-256(verifier). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)),
  );
  return btoa(String.fromCharCode(...digest)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** Options of {@linkcode authCodeLogin}. */
export interface AuthCodeLoginOptions {
  /** Scopes to ask for (`sso:account:access` when none are configured). */
  scopes: string[];
  /** Open the browser, or only print the URL (`--no-browser`). */
  openBrowser: boolean;
  /** Give up after this long, in real time (default 10 minutes, as the AWS CLI). */
  timeoutMs?: number;
  /** Fail at once when the browser cannot be opened (see `SignInOptions.requireBrowser`). */
  requireBrowser?: { loginCommand: string };
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>aws-sso</title>
<body style="font-family:sans-serif;margin:3em"><h1>Signed in</h1>
<p>You can close this window and return to the terminal.</p></body>`;

/**
 * Signs in through the browser: starts a redirect server on 127.0.0.1, opens the authorize URL,
 * waits for the redirect carrying `code` and the expected `state`, and exchanges the code.
 *
 * @param runtime loopback server, stderr, spawn, clock
 * @param oidc the OIDC client
 * @param reg a registration with the `authorization_code` grant
 * @param options scopes and behaviour
 * @returns the CreateToken result
 * @throws {SsoError} `LOGIN_TIMEOUT` after the time limit, `LOGIN_FAILED` when refused
 */
export async function authCodeLogin(
  runtime: Runtime,
  oidc: OidcApi,
  reg: ClientRegistration,
  options: AuthCodeLoginOptions,
): Promise<CreateTokenOutput> {
  const verifier = codeVerifier();
  const state = crypto.randomUUID();
  let settle!: (result: { code: string } | { error: string }) => void;
  const redirected = new Promise<{ code: string } | { error: string }>((r) => settle = r);
  const server = await runtime.serveLoopback((req) => {
    const url = new URL(req.url);
    if (url.pathname !== "/oauth/callback" || url.searchParams.get("state") !== state) {
      return new Response("Not found", { status: 404 });
    }
    const error = url.searchParams.get("error");
    const code = url.searchParams.get("code");
    if (error || !code) {
      settle({ error: error ?? "no authorization code" });
      return new Response("Sign-in failed. Return to the terminal.", { status: 400 });
    }
    settle({ code });
    return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
  });
  const redirectUri = `http://127.0.0.1:${server.port}/oauth/callback`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const params = new URLSearchParams({
      response_type: "code",
      client_id: reg.clientId,
      redirect_uri: redirectUri,
      state,
      code_challenge_method: "S256",
      scopes: options.scopes.join(" "),
      code_challenge: await codeChallenge(verifier),
    });
    const url = `${oidc.authorizeEndpoint()}?${params}`;
    const opened = options.openBrowser && await openBrowser(runtime, url);
    if (!opened && options.requireBrowser) throw browserFailed(options.requireBrowser.loginCommand);
    runtime.stderr.write(
      (opened
        ? "Attempting to open your default browser. If the browser does not open, open the following URL.\n"
        : "Open the following URL in a browser on this machine to sign in.\n") +
        "If you are unable to open the URL on this device, run this command again with the " +
        `'--use-device-code' option.\n\n${url}\n\n`,
    );
    const timeoutMs = options.timeoutMs ?? 600_000;
    const timedOut = new Promise<null>((r) => timer = setTimeout(() => r(null), timeoutMs));
    const result = await Promise.race([redirected, timedOut]);
    if (result === null) {
      throw new SsoError("LOGIN_TIMEOUT", "Sign-in was not completed in the browser in time", {
        hint: "run the command again, or add --use-device-code",
      });
    }
    if ("error" in result) {
      throw new SsoError("LOGIN_FAILED", `Sign-in was refused: ${result.error}`);
    }
    try {
      return await oidc.createToken({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: "authorization_code",
        code: result.code,
        redirectUri,
        codeVerifier: verifier,
      });
    } catch (err) {
      throw new SsoError("LOGIN_FAILED", `Sign-in failed: ${describeAwsError(err)}`, {
        hint: "sign in again (--login); if it keeps failing, try --use-device-code",
        cause: err,
      });
    }
  } finally {
    clearTimeout(timer);
    await server.close();
  }
}
