/**
 * A real terminal for end-to-end tests: a private tmux server (its own socket, no user config)
 * that runs one command in a pane of a fixed size, takes keystrokes and shows its screen.
 *
 * @module
 */

import { join } from "node:path";

/** A tmux server with one session. Dispose of it to kill the server. */
export interface TmuxSession extends AsyncDisposable {
  /** Types keys: tmux key names (`Down`, `Enter`) or, with `literal`, text. */
  sendKeys(keys: string[], options?: { literal?: boolean }): Promise<void>;
  /** The screen and the lines scrolled off it, one string. */
  screen(): Promise<string>;
  /**
   * The screen alone: what the user sees (tmux moves what a program erases into the scrollback).
   */
  visible(): Promise<string>;
  /** Waits until the screen matches `pattern`; throws with the screen after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Waits until the command has exited and returns its exit status (the screen may lag). */
  exitStatus(timeoutMs?: number): Promise<number>;
}

/** Options of {@linkcode startTmux}. */
export interface StartTmuxOptions {
  /** A folder for the socket and config (the test's temp folder). */
  dir: string;
  /** The command line, run by the shell in the pane; the folder's path has no `'`. */
  command: string;
  /** Columns (default 120). */
  width?: number;
  /** Rows (default 30). */
  height?: number;
}

/**
 * Starts a detached tmux session running `command`; the pane stays after the command exits, so
 * its last screen and exit status can be read.
 *
 * @throws {Error} when tmux is missing (CI installs it)
 */
export async function startTmux(options: StartTmuxOptions): Promise<TmuxSession> {
  // A socket per session: a server that is still shutting down keeps its socket for a moment.
  const id = crypto.randomUUID().slice(0, 8);
  const socket = join(options.dir, `tmux-${id}.sock`);
  const conf = join(options.dir, "tmux.conf");
  const statusFile = join(options.dir, `tmux-${id}.status`);
  await Deno.writeTextFile(conf, "set -g remain-on-exit on\nset -g status off\n");
  const env = { PATH: "/usr/bin:/bin", HOME: options.dir, TERM: "xterm-256color" };
  async function tmux(...args: string[]): Promise<string> {
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command("tmux", {
        args: ["-S", socket, "-f", conf, ...args],
        env,
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new Error("tmux is missing: install Debian's tmux (.ci/run does)");
      }
      throw err;
    }
    if (!out.success) {
      throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    return new TextDecoder().decode(out.stdout);
  }
  async function poll<T>(
    what: string,
    read: () => Promise<T | undefined>,
    timeoutMs: number,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; the screen:\n${await session.screen()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await tmux(
    "new-session",
    "-d",
    "-x",
    String(options.width ?? 120),
    "-y",
    String(options.height ?? 30),
    // The exit status goes to a file: tmux 3.3 now and then misses the exit of a pane's process.
    `${options.command}; echo $? > '${statusFile}'`,
  );
  const session: TmuxSession = {
    async sendKeys(keys, opts = {}) {
      await tmux("send-keys", ...(opts.literal ? ["-l"] : []), ...keys);
    },
    async visible() {
      return await tmux("capture-pane", "-p");
    },
    async screen() {
      // With the scrollback: tmux scrolls the screen by a line to say that the pane is dead.
      return await tmux("capture-pane", "-p", "-S", "-");
    },
    waitFor(pattern, timeoutMs = 20_000) {
      return poll(`${pattern}`, async () => {
        const text = await session.screen();
        return pattern.test(text) ? text : undefined;
      }, timeoutMs);
    },
    exitStatus(timeoutMs = 20_000) {
      return poll("the command to exit", async () => {
        const text = await Deno.readTextFile(statusFile).catch(() => "");
        return /^\d+\n$/.test(text) ? Number(text) : undefined;
      }, timeoutMs);
    },
    async [Symbol.asyncDispose]() {
      await tmux("kill-server").catch(() => {});
    },
  };
  return session;
}
