/**
 * Running the real readers of our output in tests: Debian's botocore under /usr/bin/python3, and
 * shells.
 *
 * @module
 */

/** The Python that has Debian's `python3-botocore` (what .ci/run installs). */
export const PYTHON = "/usr/bin/python3";

/** Whether a program runs at all (`--version` or the given args exit 0). */
export function canRun(program: string, args: string[] = ["--version"]): boolean {
  try {
    return new Deno.Command(program, { args, stdout: "null", stderr: "null", stdin: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Whether `/usr/bin/python3` can import botocore. */
export const HAS_BOTOCORE: boolean = canRun(PYTHON, ["-c", "import botocore"]);

/** Fails with a hint when botocore is missing, instead of a confusing Python traceback. */
export function requireBotocore(): void {
  if (!HAS_BOTOCORE) {
    throw new Error(
      `${PYTHON} cannot import botocore: install Debian's python3-botocore (.ci/run does)`,
    );
  }
}

/** Runs a Python script with `/usr/bin/python3` and returns its stdout parsed as JSON. */
export async function runPython(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<unknown> {
  requireBotocore();
  const out = await new Deno.Command(PYTHON, {
    args: ["-c", script, ...args],
    env: { PATH: "/usr/bin:/bin", ...env },
    clearEnv: true,
    stdin: "null",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`python failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(stdout);
}
