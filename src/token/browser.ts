/**
 * Opening the user's browser, and knowing when none can be opened (spec §3; users.md §4).
 *
 * @module
 */

import { SsoError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";

/** A way to open a URL: a program and its arguments before the URL. */
export interface BrowserCommand {
  command: string;
  args: string[];
}

function splitWords(text: string): string[] {
  return text.trim().split(/\s+/).filter((w) => w !== "");
}

/**
 * Whether this runs under WSL, where the browser is Windows' and may not reach WSL's loopback
 * (aws-sso-cli #1371).
 *
 * @param runtime env and os
 * @returns `true` under WSL
 */
export function isWsl(runtime: Runtime): boolean {
  return runtime.os === "linux" && !!(runtime.env("WSL_DISTRO_NAME") || runtime.env("WSL_INTEROP"));
}

/**
 * The command that opens a URL here, or `null` where no browser can be opened: `BROWSER` first
 * (always used when set; its first `:`-separated entry; `%s` stands for the URL), then `open` on
 * macOS, `rundll32 url.dll,FileProtocolHandler` on Windows, `wslview` under WSL, and `xdg-open`
 * on a Linux desktop. An SSH session or a Linux host with no display gets `null`, so the caller
 * uses the device code flow.
 *
 * @param runtime env and os
 * @returns the opener, or `null`
 */
export function browserCommand(runtime: Runtime): BrowserCommand | null {
  const browser = runtime.env("BROWSER")?.split(":")[0]?.trim();
  if (browser) {
    const [command, ...args] = splitWords(browser);
    return { command: command!, args };
  }
  if (runtime.env("SSH_CONNECTION") || runtime.env("SSH_TTY")) return null;
  switch (runtime.os) {
    case "darwin":
      return { command: "open", args: [] };
    case "windows":
      // Not `cmd /c start`: cmd.exe would end the command at the URL's first &.
      return { command: "rundll32", args: ["url.dll,FileProtocolHandler"] };
    default:
      if (isWsl(runtime)) return { command: "wslview", args: [] };
      if (runtime.env("DISPLAY") || runtime.env("WAYLAND_DISPLAY")) {
        return { command: "xdg-open", args: [] };
      }
      return null;
  }
}

/**
 * How long an opener may take to say it failed. Openers that hand the URL to a running browser
 * exit at once; one that starts the browser in the foreground (`firefox URL`, xdg-open on some
 * desktops) runs until it is closed, and the user signs in meanwhile.
 */
const OPENER_WAIT_MS = 5_000;

/**
 * Opens `url` with {@linkcode browserCommand}. The URL is never logged here.
 *
 * @param runtime spawn, env and os
 * @param url what to open
 * @returns `false` when there is no opener, or it could not start or failed; `true` when it
 *   exited 0 or still runs after a few seconds
 */
export async function openBrowser(runtime: Runtime, url: string): Promise<boolean> {
  const opener = browserCommand(runtime);
  if (!opener) return false;
  const args = opener.args.some((a) => a.includes("%s"))
    ? opener.args.map((a) => a.replaceAll("%s", url))
    : [...opener.args, url];
  try {
    const code = await runtime.spawn(opener.command, args, {
      output: "null",
      timeoutMs: OPENER_WAIT_MS,
    });
    return code === 0 || code === null;
  } catch {
    return false;
  }
}

/**
 * The error for a sign-in that needs a browser when none could be opened.
 *
 * @param loginCommand how the user signs in by hand
 * @returns a `LOGIN_REQUIRED` error
 */
export function browserFailed(loginCommand: string): SsoError {
  return new SsoError(
    "LOGIN_REQUIRED",
    "Cannot sign in: the browser could not be opened, and nobody would see the sign-in URL here",
    { hint: `sign in with: ${loginCommand} (or check BROWSER)` },
  );
}
