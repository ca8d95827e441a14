/**
 * Runs the fake AWS in its own process, for end-to-end tests that spawn the CLI and for
 * `deno task demo`. It prints one JSON line on stdout,
 * `{"url":…,"env":{"AWS_ENDPOINT_URL_SSO":…,…},"startUrl":…,"region":…}`, then serves until it
 * gets SIGINT or SIGTERM. Steer it through the admin routes under `{url}/__fake/`.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read testing/serve.ts --accounts 1000 --roles-per-account 3
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { generateDirectory } from "./directory.ts";
import { type FakeAwsOptions, startFakeAws } from "./fake_aws.ts";

/** The usage text. */
export const USAGE = `Usage: deno run --allow-net=127.0.0.1 --allow-read testing/serve.ts [options]

Starts the fake AWS (SSO portal, SSO OIDC, STS) on 127.0.0.1, prints one JSON line
{"url","env","startUrl","region"} on stdout and serves until SIGINT or SIGTERM.

Options:
  --config FILE                    JSON file of options (FakeAwsOptions, plus "accounts" and
                                   "rolesPerAccount"); flags override it
  --accounts N                     generate N accounts (default: the 3-account sample)
  --roles-per-account M            roles in each generated account (default 3)
  --rate-limit R                   portal requests per second per operation (default: none)
  --throttle-ratio X               fraction of portal requests answered 429 (default 0)
  --latency-ms L                   delay before every response (default 0)
  --access-token-ttl S             access token lifetime in seconds (default 28800)
  --role-credentials-ttl S         role credential lifetime in seconds (default 3600)
  --device-approve-after-polls K   pending polls before approval; "manual" waits (default 1)
  --device-poll-interval S         interval returned by StartDeviceAuthorization; closer polls get
                                  slow_down and 5 s more each time (default 1)
  --seed N                         PRNG seed for random decisions (default 1)
  --start-url URL                  the start URL it accepts
  --region REGION                  the region it claims (default us-east-1)
  --port PORT                      port to listen on (default: ephemeral)
  -h, --help                       show this help

Examples:
  deno run --allow-net=127.0.0.1 --allow-read testing/serve.ts
  deno run --allow-net=127.0.0.1 --allow-read testing/serve.ts --accounts 1000 --rate-limit 20
`;

/** Options of the JSON file: {@linkcode FakeAwsOptions} without the clock, plus directory sizes. */
interface ConfigFile extends Omit<FakeAwsOptions, "now"> {
  accounts?: number;
  rolesPerAccount?: number;
}

/** A number flag, or a TypeError naming it. */
function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) {
    throw new TypeError(`Invalid value for --${name}: ${value}: expected a number`);
  }
  return n;
}

/**
 * Turns the command line into fake AWS options.
 *
 * @param args The arguments after the script name.
 * @param readTextFile Reads the `--config` file.
 * @returns The options, or `"help"` for `--help`.
 * @throws {TypeError} For an unknown flag or a bad value.
 */
export async function parseServeArgs(
  args: string[],
  readTextFile: (path: string) => Promise<string> = Deno.readTextFile,
): Promise<FakeAwsOptions | "help"> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: "string" },
        accounts: { type: "string" },
        "roles-per-account": { type: "string" },
        "rate-limit": { type: "string" },
        "throttle-ratio": { type: "string" },
        "latency-ms": { type: "string" },
        "access-token-ttl": { type: "string" },
        "role-credentials-ttl": { type: "string" },
        "device-approve-after-polls": { type: "string" },
        "device-poll-interval": { type: "string" },
        seed: { type: "string" },
        "start-url": { type: "string" },
        region: { type: "string" },
        port: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (e) {
    throw new TypeError((e as Error).message);
  }
  if (values.help) return "help";
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const num = (name: string): number | undefined => numberFlag(name, str(name));
  let file: ConfigFile = {};
  const configPath = str("config");
  if (configPath !== undefined) {
    try {
      file = JSON.parse(await readTextFile(configPath));
    } catch (e) {
      throw new TypeError(`Cannot read --config ${configPath}: ${(e as Error).message}`);
    }
    if (typeof file !== "object" || file === null || Array.isArray(file)) {
      throw new TypeError(`Cannot read --config ${configPath}: expected a JSON object`);
    }
  }
  const { accounts: fileAccounts, rolesPerAccount: fileRoles, ...rest } = file;
  const options: FakeAwsOptions = rest;
  const accounts = num("accounts") ?? fileAccounts;
  if (accounts !== undefined) {
    options.directory = generateDirectory(accounts, num("roles-per-account") ?? fileRoles ?? 3);
  }
  const approve = str("device-approve-after-polls");
  const set = <K extends keyof FakeAwsOptions>(key: K, value: FakeAwsOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set("rateLimit", num("rate-limit"));
  set("throttleRatio", num("throttle-ratio"));
  set("latencyMs", num("latency-ms"));
  set("accessTokenTtlSeconds", num("access-token-ttl"));
  set("roleCredentialsTtlSeconds", num("role-credentials-ttl"));
  set(
    "deviceApproveAfterPolls",
    approve === "manual" ? null : numberFlag("device-approve-after-polls", approve),
  );
  set("devicePollIntervalSeconds", num("device-poll-interval"));
  set("seed", num("seed"));
  set("startUrl", str("start-url"));
  set("region", str("region"));
  set("port", num("port"));
  return options;
}

/** Runs the script; resolves with the exit code. */
async function main(args: string[]): Promise<number> {
  let options: FakeAwsOptions | "help";
  try {
    options = await parseServeArgs(args);
    if (options === "help") {
      console.log(USAGE);
      return 0;
    }
  } catch (e) {
    console.error(`serve: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let aws;
  try {
    aws = await startFakeAws(options);
  } catch (e) {
    console.error(`serve: ${(e as Error).message}`);
    return 1;
  }
  const stopped = Promise.withResolvers<void>();
  const stop = () => stopped.resolve();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  console.log(JSON.stringify({
    url: aws.url,
    env: aws.env,
    startUrl: aws.startUrl,
    region: aws.region,
  }));
  await stopped.promise;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  await aws.close();
  return 0;
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args);
}
