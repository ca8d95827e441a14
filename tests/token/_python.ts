/**
 * Runs Debian's botocore (and the botocore vendored in Debian's awscli) under /usr/bin/python3,
 * the real readers and writers of `~/.aws/sso/cache`. Tests that use it fail, never skip, when
 * it is missing: CI installs python3-botocore and awscli.
 *
 * @module
 */

/** The Python that has Debian's `python3-botocore` and `awscli`. */
export const PYTHON = "/usr/bin/python3";

/**
 * Runs `script` with `/usr/bin/python3` in a clean environment (`PATH` plus `env`) and returns its
 * stdout parsed as JSON.
 *
 * @throws {Error} with Python's stderr when it fails, and a hint when botocore is missing
 */
export async function python(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<unknown> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(PYTHON, {
      args: ["-c", script, ...args],
      env: { PATH: "/usr/bin:/bin", HOME: "/nonexistent", AWS_CONFIG_FILE: "/dev/null", ...env },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    throw new Error(`${PYTHON} cannot run: install python3-botocore and awscli (.ci/run does)`, {
      cause: err,
    });
  }
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) {
    const hint = /ModuleNotFoundError/.test(stderr)
      ? "\nhint: install Debian's python3-botocore and awscli (.ci/run does)"
      : "";
    throw new Error(`python failed (exit ${out.code}):\n${stderr}${hint}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}
