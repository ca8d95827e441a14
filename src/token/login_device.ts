/**
 * The device code flow (RFC 8628) as the AWS CLI v2 runs it (spec §3), with the pre-filled URL
 * shown where no browser can be opened.
 *
 * @module
 */

import { awsErrorName, describeAwsError } from "../aws_error.ts";
import { SsoError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { browserFailed, openBrowser } from "./browser.ts";
import { withOidcRetry } from "./oidc_retry.ts";
import { qrCode } from "./qr_code.ts";
import type { ClientRegistration } from "./client_registration.ts";
import type { CreateTokenOutput, OidcApi } from "./oidc_api.ts";
import { printable } from "../printable.ts";

/** The device code grant type. */
export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** Options of {@linkcode deviceCodeLogin}. */
export interface DeviceCodeLoginOptions {
  /** The start URL the user signs in to. */
  startUrl: string;
  /** Only print the URL and code (`--no-browser`), or also try to open a browser. */
  openBrowser: boolean;
  /** Give up after this long (default: when the device code expires). */
  timeoutMs?: number;
  /** Fail at once when the browser cannot be opened (see `SignInOptions.requireBrowser`). */
  requireBrowser?: { loginCommand: string };
}

/**
 * Signs in with the device code flow: prints the URL and code on stderr (never stdout), opens the
 * browser when asked, and polls CreateToken until the user approves.
 *
 * @param runtime stderr, clock, spawn
 * @param oidc the OIDC client
 * @param reg the client registration
 * @param options start URL and behaviour
 * @returns the CreateToken result
 * @throws {SsoError} `LOGIN_TIMEOUT` when the code expires, `LOGIN_FAILED` otherwise
 */
export async function deviceCodeLogin(
  runtime: Runtime,
  oidc: OidcApi,
  reg: ClientRegistration,
  options: DeviceCodeLoginOptions,
): Promise<CreateTokenOutput> {
  let auth;
  try {
    auth = await withOidcRetry(runtime, () =>
      oidc.startDeviceAuthorization({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        startUrl: options.startUrl,
      }));
  } catch (err) {
    throw new SsoError("LOGIN_FAILED", `Cannot start sign-in: ${describeAwsError(err)}`, {
      cause: err,
    });
  }
  const deadline = runtime.now() +
    Math.min(auth.expiresIn * 1000, options.timeoutMs ?? Number.POSITIVE_INFINITY);
  let interval = (auth.interval ?? 5) * 1000;
  const poll = async (): Promise<CreateTokenOutput | null> => {
    try {
      return await oidc.createToken({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: DEVICE_GRANT,
        deviceCode: auth.deviceCode,
      });
    } catch (err) {
      const name = awsErrorName(err);
      if (name === "AuthorizationPendingException") return null;
      if (name === "SlowDownException") {
        interval += 5000;
        return null;
      }
      if (name === "ExpiredTokenException") {
        throw new SsoError("LOGIN_TIMEOUT", "Sign-in was not approved before the code expired", {
          hint: "run the command again and approve the request in the browser",
          cause: err,
        });
      }
      throw new SsoError("LOGIN_FAILED", `Sign-in failed: ${describeAwsError(err)}`, {
        hint: "sign in again (--login)",
        cause: err,
      });
    }
  };
  // The client may be pre-authorised: ask once before showing anything, as the AWS CLI does.
  const first = await poll();
  if (first) return first;
  const opened = options.openBrowser && await openBrowser(runtime, auth.verificationUriComplete);
  if (!opened && options.requireBrowser) throw browserFailed(options.requireBrowser.loginCommand);
  // What the service sent, shown as text only.
  const uri = printable(auth.verificationUri);
  const code = printable(auth.userCode);
  if (opened) {
    runtime.stderr.write(
      "Attempting to open your default browser.\n" +
        "If the browser does not open or you wish to use a different device to authorize this " +
        `request, open the following URL:\n\n${uri}\n\n` +
        `Then enter the code:\n\n${code}\n`,
    );
  } else {
    runtime.stderr.write(
      `To sign in, open this URL on any device (the code is filled in):\n\n` +
        `${printable(auth.verificationUriComplete)}\n\n` +
        `or open ${uri} and enter the code: ${code}\n`,
    );
    // On a terminal, a phone can scan it: no need to copy a URL off a remote session.
    if (runtime.stderr.isTerminal) {
      const qr = await qrCode(auth.verificationUriComplete);
      if (qr) runtime.stderr.write(`\n${qr}\n`);
    }
  }
  while (runtime.now() < deadline) {
    await runtime.sleep(interval);
    const token = await poll();
    if (token) return token;
  }
  throw new SsoError("LOGIN_TIMEOUT", "Sign-in was not approved in time", {
    hint: "run the command again and approve the request in the browser",
  });
}
