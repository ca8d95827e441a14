/**
 * The narrowest Deno permissions aws-sso works with: the single source of truth for the
 * `compile` task, for the `credential_process` lines discovery writes, and for the tests.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { homeDir } from "../config/home_dir.ts";
import { DNS_SUFFIXES } from "../endpoints.ts";

/** Environment variables read by aws-sso and by the AWS SDK clients it loads. */
export const ENV_VARS: readonly string[] = [
  "AWS_*",
  "HOME",
  "USERPROFILE",
  "HOMEDRIVE",
  "HOMEPATH",
  "_X_AMZN_TRACE_ID",
  "BROWSER",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "SSH_CONNECTION",
  "SSH_TTY",
  "WSL_DISTRO_NAME",
  "WSL_INTEROP",
  "SHELL",
  "PSModulePath",
];

/** Programs aws-sso may run, by OS: browser openers and the AWS CLI (`--login-with aws`). */
export const PROGRAMS: Readonly<Record<string, readonly string[]>> = {
  linux: ["xdg-open", "wslview", "aws"],
  darwin: ["open", "aws"],
  windows: ["rundll32", "aws"],
};

/** Hosts: the SSO portal and OIDC endpoints of every partition, and the loopback redirect. */
export const HOSTS: readonly string[] = [...DNS_SUFFIXES.map((s) => `*.${s}`), "127.0.0.1"];

/**
 * The permission flags for `deno compile` (and the base of {@linkcode runFlags}), for the user
 * whose environment `env` is: read and write only `~/.aws` (and the folders of `AWS_CONFIG_FILE` and
 * `AWS_SHARED_CREDENTIALS_FILE` when set, and of the files the config and credentials files link
 * to, as they are now; read `AWS_CA_BUNDLE` too), network only to the AWS SSO
 * endpoints, loopback and the hosts of `AWS_ENDPOINT_URL*`, environment only
 * {@linkcode ENV_VARS}, programs only {@linkcode PROGRAMS} of the OS and the `BROWSER` command, no
 * prompt, and `--quiet` (Deno's own notes, such as a missing `xdg-open`, would otherwise reach
 * stderr on every call).
 *
 * @param env reads an environment variable
 * @param os `linux`, `darwin` or `windows`
 * @param endpoints endpoint URLs the config file names (`[services]`, `endpoint_url`), whose
 *   hosts are allowed too
 * @returns the flags, e.g. `["--quiet", "--no-prompt", "--allow-read=/home/u/.aws", …]`
 */
export function permissionFlags(
  env: (name: string) => string | undefined,
  os: string,
  endpoints: readonly string[] = [],
): string[] {
  return flags(env, os, { endpoints });
}

/** Options of {@linkcode runFlags}. */
export interface RunFlagsOptions {
  /** The URL of aws-sso's own folder (default: where this module is). */
  sourceRoot?: string;
  /** Endpoint URLs the config file names, whose hosts are allowed too. */
  endpoints?: readonly string[];
}

/**
 * The flags for `deno run` of aws-sso (the `credential_process` lines discovery writes, and every
 * test): {@linkcode permissionFlags} plus `--unstable-lazy-dynamic-imports`, so that Deno loads the
 * AWS SDK only in a run that calls AWS (otherwise it resolves the npm packages behind every
 * analysable `import()` at start-up: about 10 ms on each cached-credentials call, far more with
 * no lockfile). A module loaded lazily is read like a file, so when aws-sso runs from local files
 * the flags also let it read its own source folder (`sourceRoot`); from `jsr:` nothing is added.
 *
 * @param env reads an environment variable
 * @param os `linux`, `darwin` or `windows`
 * @param options aws-sso's own folder, and the endpoints the config file names
 * @returns the flags
 */
export function runFlags(
  env: (name: string) => string | undefined,
  os: string,
  options: RunFlagsOptions = {},
): string[] {
  const sourceRoot = options.sourceRoot ?? new URL("../../", import.meta.url).href;
  const own = sourceRoot.startsWith("file:")
    ? [fileURLToPath(sourceRoot).replace(/[/\\]$/, "")]
    : [];
  return flags(env, os, { lazy: true, readAlso: own, endpoints: options.endpoints ?? [] });
}

/** The file `path` links to, when it is a link to another folder; otherwise `undefined`. */
function linkTarget(path: string): string | undefined {
  try {
    const real = Deno.realPathSync(path);
    return dirname(real) === Deno.realPathSync(dirname(path)) ? undefined : real;
  } catch {
    return undefined; // missing, or not ours to read: nothing to add
  }
}

function flags(
  env: (name: string) => string | undefined,
  os: string,
  extra: { lazy?: boolean; readAlso?: string[]; endpoints?: readonly string[] } = {},
): string[] {
  const aws = resolve(homeDir(env), ".aws");
  const dirs = new Set([aws]);
  const files: [string, string][] = [
    ["AWS_CONFIG_FILE", "config"],
    ["AWS_SHARED_CREDENTIALS_FILE", "credentials"],
  ];
  for (const [name, fallback] of files) {
    const set = env(name);
    const file = set ? resolve(set.replace(/^~(?=$|[/\\])/, homeDir(env))) : join(aws, fallback);
    dirs.add(dirname(file));
    // A file linked elsewhere (dotfiles) is rewritten beside its target.
    const target = linkTarget(file);
    if (target) dirs.add(dirname(target));
  }
  const hosts = new Set(HOSTS);
  const endpointEnv = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC"];
  for (const url of [...endpointEnv.map(env), ...extra.endpoints ?? []]) {
    if (url) {
      try {
        hosts.add(new URL(url).host);
      } catch {
        // An unparsable URL fails later with a clear message from the client.
      }
    }
  }
  const programs = new Set(PROGRAMS[os] ?? PROGRAMS.linux);
  const browser = env("BROWSER")?.split(":")[0]?.trim().split(/\s+/)[0];
  if (browser) programs.add(browser);
  const readOnly = [...dirs];
  const bundle = env("AWS_CA_BUNDLE");
  if (bundle) readOnly.push(resolve(bundle.replace(/^~(?=$|[/\\])/, homeDir(env))));
  readOnly.push(...extra.readAlso ?? []);
  const paths = [...dirs].join(",");
  return [
    "--quiet",
    "--no-prompt",
    ...(extra.lazy ? ["--unstable-lazy-dynamic-imports"] : []),
    `--allow-read=${readOnly.join(",")}`,
    `--allow-write=${paths}`,
    `--allow-env=${ENV_VARS.join(",")}`,
    `--allow-net=${[...hosts].join(",")}`,
    `--allow-run=${[...programs].join(",")}`,
    "--allow-sys=osRelease,hostname",
  ];
}
