/**
 * A temporary HOME whose `~/.aws/config` points at a running fake AWS, with the environment and a
 * "browser" that approves sign-in at once: what examples and tests need to run aws-sso's code
 * against the fake without touching the user's files.
 *
 * @module
 */

import type { FakeAws } from "./fake_aws.ts";

/** Options of {@linkcode fakeSsoHome}. */
export interface FakeSsoHomeOptions {
  /** Extra text appended to `~/.aws/config`. Default none. */
  extraConfig?: string;
  /** Extra environment variables. Default none. */
  env?: Record<string, string>;
}

/** A temporary HOME set up for the fake; removed when disposed. */
export interface FakeSsoHome extends AsyncDisposable {
  /** The folder. */
  readonly path: string;
  /** `HOME`, the fake's endpoint variables and `BROWSER`. */
  readonly env: Record<string, string>;
  /**
   * Fields to spread over a runtime: `env` reads {@linkcode FakeSsoHome.env}, and `spawn` is a
   * browser that opens the URL (its last argument) and follows the redirects, like a user who
   * approves.
   */
  readonly runtime: {
    env(name: string): string | undefined;
    spawn(command: string, args: string[]): Promise<number>;
  };
}

/**
 * Creates a temporary HOME with `~/.aws/config` holding `[profile corp]` (sso-session `corp`,
 * region `eu-west-1`) and `[profile legacy]` (start URL in the profile, account 111111111111,
 * role `ReadOnly`), both pointing at `aws`.
 *
 * @param aws the running fake
 * @param options extra config text and environment
 * @returns the HOME; dispose of it to remove it
 * @example
 * ```ts
 * import { fakeSsoHome, startFakeAws } from "@ssokit/aws-sso/testing";
 *
 * await using aws = await startFakeAws();
 * await using home = await fakeSsoHome(aws);
 * console.assert((await Deno.readTextFile(`${home.path}/.aws/config`)).includes("[profile corp]"));
 * ```
 */
export async function fakeSsoHome(
  aws: FakeAws,
  options: FakeSsoHomeOptions = {},
): Promise<FakeSsoHome> {
  const path = await Deno.makeTempDir({ prefix: "aws-sso-home-" });
  await Deno.mkdir(`${path}/.aws`, { mode: 0o700 });
  await Deno.writeTextFile(
    `${path}/.aws/config`,
    `[profile corp]\nsso_session = corp\nregion = eu-west-1\n\n` +
      `[sso-session corp]\nsso_start_url = ${aws.startUrl}\nsso_region = ${aws.region}\n` +
      `sso_registration_scopes = sso:account:access\n\n` +
      `[profile legacy]\nsso_start_url = ${aws.startUrl}\nsso_region = ${aws.region}\n` +
      `sso_account_id = 111111111111\nsso_role_name = ReadOnly\n${options.extraConfig ?? ""}`,
  );
  const env: Record<string, string> = {
    HOME: path,
    BROWSER: "fake-browser",
    ...aws.env,
    ...options.env,
  };
  return {
    path,
    env,
    runtime: {
      env: (name) => env[name],
      async spawn(_command, args) {
        const url = args[args.length - 1];
        if (!url) return 1;
        const response = await fetch(url);
        await response.body?.cancel();
        return response.ok ? 0 : 1;
      },
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}
