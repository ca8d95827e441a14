/**
 * The command line: the Python tool's flags kept as they were, plus ours.
 *
 * @module
 */

import { SsoError } from "../errors.ts";

/** The env output formats. */
export const ENV_FORMATS = ["sh", "fish", "powershell", "cmd", "dotenv"] as const;
/** One of {@linkcode ENV_FORMATS}. */
export type EnvFormat = typeof ENV_FORMATS[number];

/** What the user asked for. */
export interface Flags {
  profile?: string;
  roleArn?: string;
  account?: string;
  role?: string;
  env: boolean;
  format?: EnvFormat;
  external: boolean;
  discover: boolean;
  profileName?: string;
  dryRun: boolean;
  prune: boolean;
  list: boolean;
  json: boolean;
  writeProfile?: string;
  login: boolean;
  logout: boolean;
  noLogin: boolean;
  useDeviceCode: boolean;
  noBrowser: boolean;
  loginWith: "native" | "aws";
  debug: boolean;
  help: boolean;
  version: boolean;
}

/** The Python tool's single-dash long flags, which `parseArgs` would read as groups of letters. */
const LEGACY: Record<string, string> = {
  "-env": "--env_vars",
  "-ext": "--external-source",
};

/** Every option: its type and short letter. */
const OPTIONS: Record<string, { type: "string" | "boolean"; short?: string }> = {
  profile: { type: "string", short: "p" },
  rolearn: { type: "string", short: "r" },
  account: { type: "string" },
  role: { type: "string" },
  env_vars: { type: "boolean" },
  "env-vars": { type: "boolean" },
  format: { type: "string" },
  "external-source": { type: "boolean" },
  "discover-roles": { type: "boolean", short: "d" },
  "profile-name": { type: "string" },
  "dry-run": { type: "boolean" },
  prune: { type: "boolean" },
  list: { type: "boolean" },
  json: { type: "boolean" },
  "write-profile": { type: "string" },
  login: { type: "boolean" },
  logout: { type: "boolean" },
  "no-login": { type: "boolean" },
  "use-device-code": { type: "boolean" },
  "no-browser": { type: "boolean" },
  "login-with": { type: "string" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
};

/**
 * The Python tool's long options, which its argparse parser lets users abbreviate (`--ext`,
 * `--prof`): an option that is not one of ours is read as the one of these it starts, if only one.
 */
const PYTHON_LONG = ["profile", "rolearn", "env_vars", "external-source", "discover-roles", "help"];

/** An option name as given, or the Python tool's option it abbreviates. */
function longName(given: string): string {
  if (Object.hasOwn(OPTIONS, given)) return given;
  const matches = given === "" ? [] : PYTHON_LONG.filter((o) => o.startsWith(given));
  if (matches.length > 1) {
    throw usage(
      `Ambiguous option '--${given}': it could be ${matches.map((m) => `--${m}`).join(" or ")}`,
    );
  }
  return matches[0] ?? given;
}

const SHORT: Record<string, string> = Object.fromEntries(
  Object.entries(OPTIONS).flatMap(([name, o]) => (o.short ? [[o.short, name]] : [])),
);

/**
 * Reads `--name`, `--name=value`, `--name value`, `-x`, `-x value` and `-xvalue`, as
 * `node:util`'s `parseArgs` does in strict mode (written out because loading `node:util` costs a
 * noticeable part of the credential_process start-up), and, as argparse does for the Python
 * tool, short flags grouped (`-dp corp`) and its long options abbreviated (`--ext`).
 */
function scan(args: string[]): Record<string, string | boolean | undefined> {
  const values: Record<string, string | boolean | undefined> = {};
  for (let i = 0; i < args.length; i++) {
    let arg = args[i]!;
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--") && arg.length > 2) {
      const eq = arg.indexOf("=");
      name = longName(arg.slice(2, eq < 0 ? undefined : eq));
      if (eq >= 0) inline = arg.slice(eq + 1);
    } else if (arg.startsWith("-") && arg.length > 1 && arg !== "--") {
      // Flags before the last letter of a group (`-dp`) are set as they come.
      while (arg.length > 2 && OPTIONS[SHORT[arg[1]!] ?? ""]?.type === "boolean") {
        values[SHORT[arg[1]!]!] = true;
        arg = `-${arg.slice(2)}`;
      }
      name = SHORT[arg[1]!];
      if (name === undefined) throw usage(`Unknown option '${args[i]}'`);
      if (arg.length > 2) inline = arg.slice(2).replace(/^=/, "");
    } else {
      throw usage(`Unexpected argument '${arg}'`);
    }
    const option = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : undefined;
    if (!option) throw usage(`Unknown option '${arg}'`);
    if (option.type === "boolean") {
      if (inline !== undefined) throw usage(`Option '--${name}' does not take a value`);
      values[name] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith("-") && value !== "-")) {
      throw usage(`Option '--${name}' needs a value`);
    }
    values[name] = value;
  }
  return values;
}

function usage(message: string): SsoError {
  return new SsoError("USAGE", message, { hint: "see aws-sso --help" });
}

/**
 * Parses the arguments.
 *
 * @param args the command line after the program name
 * @returns the flags
 * @throws {SsoError} `USAGE` for unknown flags, missing values and conflicting modes
 */
export function parseFlags(args: string[]): Flags {
  // Own keys only: an argument such as "toString" must not find Object.prototype's.
  const v = scan(args.map((a) => Object.hasOwn(LEGACY, a) ? LEGACY[a]! : a));
  const str = (key: string) => typeof v[key] === "string" ? v[key] as string : undefined;
  const format = str("format");
  if (format !== undefined && !(ENV_FORMATS as readonly string[]).includes(format)) {
    throw usage(`Unknown --format "${format}": use one of ${ENV_FORMATS.join(", ")}`);
  }
  const loginWith = str("login-with") ?? "native";
  if (loginWith !== "native" && loginWith !== "aws") {
    throw usage(`Unknown --login-with "${loginWith}": use native or aws`);
  }
  const flags: Flags = {
    env: !!(v.env_vars || v["env-vars"]),
    external: !!v["external-source"],
    discover: !!v["discover-roles"],
    dryRun: !!v["dry-run"],
    prune: !!v.prune,
    list: !!v.list,
    json: !!v.json,
    login: !!v.login,
    logout: !!v.logout,
    noLogin: !!v["no-login"],
    useDeviceCode: !!v["use-device-code"],
    noBrowser: !!v["no-browser"],
    loginWith,
    debug: !!v.debug,
    help: !!v.help,
    version: !!v.version,
    ...(format !== undefined ? { format: format as EnvFormat } : {}),
  };
  const strings = [
    ["profile", "profile"],
    ["roleArn", "rolearn"],
    ["account", "account"],
    ["role", "role"],
    ["profileName", "profile-name"],
    ["writeProfile", "write-profile"],
  ] as const;
  for (const [key, name] of strings) {
    const value = str(name);
    if (value !== undefined) flags[key] = value;
  }
  // argparse reads the Python tool's `--role ARN` as its `--rolearn`; a role name never holds ":".
  if (flags.role?.startsWith("arn:") && flags.roleArn === undefined && !flags.account) {
    flags.roleArn = flags.role;
    delete flags.role;
  }
  if (flags.login && flags.logout) throw usage("--login and --logout contradict each other");
  if (flags.login && flags.noLogin) throw usage("--login and --no-login contradict each other");
  const modes = [flags.env, flags.external, flags.discover, flags.list, flags.logout]
    .filter(Boolean).length;
  if (modes > 1) throw usage("Choose one of -env, -ext, -d, --list and --logout");
  if (flags.roleArn !== undefined && (flags.account !== undefined || flags.role !== undefined)) {
    throw usage("Give either -r ROLE_ARN or --account and --role, not both");
  }
  if ((flags.account === undefined) !== (flags.role === undefined)) {
    throw usage("--account and --role go together");
  }
  const hasRole = flags.roleArn !== undefined || flags.account !== undefined;
  if ((flags.discover || flags.list || flags.logout) && hasRole) {
    throw usage("-d, --list and --logout take no role");
  }
  if ((flags.dryRun || flags.prune || flags.profileName !== undefined) && !flags.discover) {
    throw usage("--dry-run, --prune and --profile-name go with -d");
  }
  if (flags.format !== undefined && !flags.env) throw usage("--format goes with -env");
  if (flags.json && !flags.list) throw usage("--json goes with --list");
  if (flags.writeProfile !== undefined && (modes > 0)) {
    throw usage("--write-profile goes with the default mode (no -env, -ext, -d)");
  }
  return flags;
}

/** The profile a command names: `-p`, else `AWS_PROFILE`, else `default` (as the AWS CLI). */
export function profileNameOf(flags: Flags, env: (name: string) => string | undefined): string {
  return flags.profile ?? env("AWS_PROFILE") ?? "default";
}
