/**
 * The real AWS clients that judge what aws-sso wrote: the AWS SDK for JavaScript v3, boto3 from
 * Debian (`/usr/bin/python3`) and the AWS CLI v2 from Debian (`/usr/bin/aws`; the `aws` first on
 * PATH may be an unrelated v1). Each runs in a clean environment: the temp HOME, the fake's
 * endpoints (for the `credential_process` child), no real credentials, no instance metadata.
 * A missing client fails the test with a hint: CI installs them.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { FakeAws } from "../../testing/mod.ts";
import { cliEnv, ROOT } from "./_cli.ts";

/** Debian's Python, with python3-boto3. */
export const PYTHON = "/usr/bin/python3";
/** Debian's AWS CLI v2 (package awscli). */
export const AWS_CLI_V2 = "/usr/bin/aws";

/** What GetCallerIdentity answered. */
export interface Identity {
  Account?: string;
  Arn?: string;
  UserId?: string;
}

/**
 * The environment of a real client: HOME, PATH and DENO_DIR as the CLI gets them, the fake's
 * endpoints (the `credential_process` child reaches the portal through them), the config file,
 * `AWS_EC2_METADATA_DISABLED=true`, and `extra`.
 */
export function clientEnv(
  home: string,
  aws: FakeAws,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...cliEnv({ home, env: aws.env }),
    PATH: "/usr/bin:/bin",
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}

async function run(
  program: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<unknown> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(program, {
      args,
      env,
      clearEnv: true,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(
        `${program} is missing: install Debian's awscli and python3-boto3 (.ci/run does)`,
      );
    }
    throw err;
  }
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${program} ${args.join(" ")} failed:\n${stderr}${stdout}`);
  return JSON.parse(stdout);
}

/** `aws sts get-caller-identity` of the AWS CLI v2 (`--profile` when given). */
export async function awsCliIdentity(
  env: Record<string, string>,
  endpoint: string,
  options: { profile?: string; region?: string } = {},
): Promise<Identity> {
  return await run(
    AWS_CLI_V2,
    [
      "sts",
      "get-caller-identity",
      "--endpoint-url",
      endpoint,
      "--output",
      "json",
      ...(options.profile ? ["--profile", options.profile] : []),
      ...(options.region ? ["--region", options.region] : []),
    ],
    env,
    env.HOME ?? "/",
  ) as Identity;
}

const BOTO3_SCRIPT = `
import json, sys
import boto3
profile, endpoint, region = sys.argv[1:4]
session = boto3.Session(profile_name=profile or None, region_name=region or None)
sts = session.client("sts", endpoint_url=endpoint)
out = sts.get_caller_identity()
print(json.dumps({"Account": out["Account"], "Arn": out["Arn"], "UserId": out["UserId"]}))
`;

/** boto3's `Session(profile_name=…).client("sts").get_caller_identity()`. */
export async function boto3Identity(
  env: Record<string, string>,
  endpoint: string,
  options: { profile?: string; region?: string } = {},
): Promise<Identity> {
  return await run(
    PYTHON,
    ["-c", BOTO3_SCRIPT, options.profile ?? "", endpoint, options.region ?? ""],
    env,
    env.HOME ?? "/",
  ) as Identity;
}

/** The JS SDK's STS client with `fromProcess` (`process`) or its default chain (`ini`). */
export async function jsSdkIdentity(
  env: Record<string, string>,
  endpoint: string,
  profile: string,
  provider: "process" | "ini",
): Promise<Identity> {
  return await run(
    Deno.execPath(),
    [
      "run",
      "-A",
      "--quiet",
      `--config=${join(ROOT, "deno.json")}`,
      join(ROOT, "tests", "e2e", "_js_sdk_identity.ts"),
      provider,
      profile,
      endpoint,
    ],
    env,
    env.HOME ?? "/",
  ) as Identity;
}

const PROFILES_SCRIPT = `
import json, sys
from botocore.configloader import load_config
print(json.dumps(load_config(sys.argv[1])["profiles"]))
`;

/** The profiles of a config file as botocore reads them (`configloader.load_config`). */
export async function botocoreProfiles(
  configFile: string,
): Promise<Record<string, Record<string, string>>> {
  return await run(
    PYTHON,
    ["-c", PROFILES_SCRIPT, configFile],
    { PATH: "/usr/bin:/bin", HOME: "/nonexistent" },
    "/",
  ) as Record<string, Record<string, string>>;
}
