/**
 * The command line: the Python tool's flags kept as they were, plus ours.
 *
 * @module
 */

import { parseArgs } from "node:util";
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
  let parsed;
  try {
    parsed = parseArgs({
      args: args.map((a) => LEGACY[a] ?? a),
      strict: true,
      allowPositionals: false,
      options: {
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
      },
    });
  } catch (err) {
    throw usage((err as Error).message.split("\n")[0]!.replace(/\. To specify.*$/, ""));
  }
  const v = parsed.values;
  const format = v.format;
  if (format !== undefined && !(ENV_FORMATS as readonly string[]).includes(format)) {
    throw usage(`Unknown --format "${format}": use one of ${ENV_FORMATS.join(", ")}`);
  }
  const loginWith = v["login-with"] ?? "native";
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
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    ...(v.rolearn !== undefined ? { roleArn: v.rolearn } : {}),
    ...(v.account !== undefined ? { account: v.account } : {}),
    ...(v.role !== undefined ? { role: v.role } : {}),
    ...(format !== undefined ? { format: format as EnvFormat } : {}),
    ...(v["profile-name"] !== undefined ? { profileName: v["profile-name"] } : {}),
    ...(v["write-profile"] !== undefined ? { writeProfile: v["write-profile"] } : {}),
  };
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
  if (flags.external && !hasRole) {
    throw usage("-ext needs a role: add -r ROLE_ARN (or --account ID --role NAME)");
  }
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
