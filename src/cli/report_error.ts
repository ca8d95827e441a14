/**
 * Errors as the user sees them: one line naming what failed, a `hint:` line saying what to do,
 * exit code 1 (2 for usage errors, 130 when cancelled), and a stack trace only with `--debug`.
 *
 * @module
 */

import { SsoError } from "../errors.ts";
import { printable } from "../printable.ts";
import type { Runtime } from "../runtime.ts";

function firstLine(text: string): string {
  return text.split("\n")[0]!.trim();
}

const CAPABILITY_HINT =
  "this build of aws-sso may only touch ~/.aws, the AWS SSO endpoints and a " +
  "browser opener, as the environment was when it was built or when -d wrote its " +
  "credential_process line (AWS_CONFIG_FILE, AWS_CA_BUNDLE, BROWSER, …): run -d again " +
  "(or rebuild) with that set; see Permissions in the README";

/** The `NotCapable` error (outside the permission flags) that `err` is or was caused by. */
function capabilityError(err: unknown): Error | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof Deno.errors.NotCapable) return e;
  }
  return undefined;
}

/**
 * Prints an error on stderr and returns the exit code.
 *
 * @param runtime stderr
 * @param err what was thrown
 * @param debug print the stack and causes too
 * @returns 2 for usage errors, 0 (and nothing printed) when the reader of stdout has gone, 1
 *   otherwise
 */
export function reportError(runtime: Runtime, err: unknown, debug: boolean): number {
  // Whoever read the output has stopped (`| head`): nothing is wrong, and nobody is listening.
  if (err instanceof Deno.errors.BrokenPipe) return 0;
  let message: string;
  let hint: string | undefined;
  let code = 1;
  const denied = capabilityError(err);
  if (denied) {
    // Whatever layer wrapped it, a path or host outside the permission flags is reported as such.
    message = `Permission denied: ${firstLine(denied.message).replace(/, run again with.*$/, "")}`;
    hint = CAPABILITY_HINT;
  } else if (err instanceof SsoError) {
    message = err.message;
    hint = err.hint;
    if (err.code === "USAGE") code = 2;
    if (err.code === "CANCELLED") code = 130;
  } else if (err instanceof SyntaxError) {
    message = firstLine(err.message);
    hint = "fix the file at that line; nothing was written";
  } else if (err instanceof Deno.errors.PermissionDenied) {
    message = `Permission denied: ${firstLine(err.message).replace(/, run again with.*$/, "")}`;
    hint = "check the owner and mode of the file or folder";
  } else {
    message = `Unexpected error: ${firstLine(err instanceof Error ? err.message : String(err))}`;
    hint = debug ? undefined : "run again with --debug for details";
  }
  runtime.stderr.write(
    `aws-sso: ${printable(message)}\n${hint ? `hint: ${printable(hint)}\n` : ""}`,
  );
  if (debug) {
    let cause: unknown = err;
    while (cause instanceof Error) {
      const text = cause.stack ?? cause.message;
      runtime.stderr.write(`${text.split("\n").map(printable).join("\n")}\n`);
      cause = cause.cause;
      if (cause) runtime.stderr.write("caused by: ");
    }
  }
  return code;
}
