/**
 * The CLI: `main(args, runtime)` runs one command and returns its exit code. `cli.ts` runs it
 * (as `mainAfterMiss`, from the one-file build `src/run_main.bundle.js`) for every call that its
 * hot path does not answer from the cache.
 *
 * @module
 */

// Only what a `-ext` call needs is imported here; every other mode loads its code when it runs,
// so a program of its own that calls main() loads no more than the command needs.
import { profileSectionName } from "../config/aws_files.ts";
import { loadSsoProfile } from "../config/load_sso_profile.ts";
import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { SsoError } from "../errors.ts";
import { cachedRoleCredentials } from "../portal/cached_role_credentials.ts";
import type { RoleRef } from "../portal/get_role_credentials.ts";
import { renderProcess } from "../render/render_process.ts";
import { isoSeconds } from "../aws_time.ts";
import type { Runtime } from "../runtime.ts";
import type { GetSsoTokenOptions } from "../token/get_sso_token.ts";
import { type Flags, parseFlags, profileNameOf } from "./parse_flags.ts";
import { profileRole, roleFromFlags } from "./role_from_flags.ts";
// Loaded with the rest, never on failure: a `jsr:` run that cannot reach jsr.io then would lose
// the error it has to report.
import { reportError } from "./report_error.ts";
import { selfCommand, shellQuote } from "../command_line.ts";

/**
 * Runs aws-sso with command-line arguments.
 *
 * @param args the arguments after the program name
 * @param runtime the runtime (the real one in `cli.ts`, a test one in tests)
 * @returns the exit code: 0 success, 1 failure, 2 usage error, 130 cancelled
 */
export async function main(args: string[], runtime: Runtime): Promise<number> {
  return await mainAfterMiss(args, runtime);
}

/**
 * `main()` for `cli.ts` after its look into the cache missed: the flags and the profile it read
 * there are not read again.
 *
 * @param args the arguments after the program name
 * @param runtime the runtime
 * @param read what the look into the cache read, if it got that far
 * @returns the exit code, as `main()`
 */
export async function mainAfterMiss(
  args: string[],
  runtime: Runtime,
  read?: { flags: Flags; profile: SsoProfile },
): Promise<number> {
  let flags: Flags | undefined;
  try {
    flags = read?.flags ?? parseFlags(args);
    if (flags.help) {
      runtime.stdout.write((await import("./help.ts")).HELP);
      return 0;
    }
    if (flags.version) {
      runtime.stdout.write(`aws-sso ${(await import("./version.ts")).VERSION}\n`);
      return 0;
    }
    return await run(flags, runtime, read?.profile);
  } catch (err) {
    return reportError(runtime, err, flags?.debug ?? args.includes("--debug"));
  }
}

function tokenOptions(flags: Flags, profileName: string, runtime: Runtime): GetSsoTokenOptions {
  return {
    login: flags.noLogin ? "never" : flags.external ? "browser-only" : "auto",
    loginWith: flags.loginWith,
    useDeviceCode: flags.useDeviceCode,
    noBrowser: flags.noBrowser,
    // This very program: `aws-sso` need not be on the PATH (`deno run …` in credential_process).
    // Worked out when a message needs it, not on every call.
    get loginCommand() {
      return [...selfCommand(runtime.program, ["-A"]), "-p", profileName, "--login"]
        .map(shellQuote).join(" ");
    },
  };
}

/** Fails before any network call on a `--write-profile` name no credentials file can hold. */
function checkWriteProfile(name: string): void {
  try {
    profileSectionName(name, "credentials");
  } catch (err) {
    throw new SsoError("USAGE", `Invalid --write-profile: ${(err as Error).message}`, {
      hint: "name a profile without line breaks, e.g. --write-profile scratch",
    });
  }
}

async function run(flags: Flags, runtime: Runtime, read?: SsoProfile): Promise<number> {
  const profileName = profileNameOf(flags, runtime.env);
  const profile = read ?? await loadSsoProfile(runtime, profileName);
  const options = tokenOptions(flags, profileName, runtime);
  if (flags.logout) {
    const { logout } = await import("../token/logout.ts");
    const removed = await logout(runtime, profile);
    runtime.stderr.write(
      removed ? `Signed out of ${profile.startUrl}\n` : `Not signed in to ${profile.startUrl}\n`,
    );
    return 0;
  }
  const role = roleFromFlags(flags);
  if (flags.writeProfile !== undefined) checkWriteProfile(flags.writeProfile);
  if (flags.login) {
    const { getSsoToken } = await import("../token/get_sso_token.ts");
    const token = await getSsoToken(runtime, profile, { ...options, login: "auto", force: true });
    runtime.stderr.write(
      `Signed in to ${profile.startUrl} until ${isoSeconds(token.expiresAt)}\n`,
    );
    if (!role && !flags.env && !flags.discover && !flags.list) return 0;
  }
  if (flags.list) {
    const { listCommand } = await import("./list_command.ts");
    return await listCommand(runtime, profile, options, flags.json);
  }
  if (flags.discover) {
    const { writeDiscoveredProfiles } = await import("./write_discovered_profiles.ts");
    return await writeDiscoveredProfiles(runtime, profile, {
      ...options,
      dryRun: flags.dryRun,
      prune: flags.prune,
      ...(flags.profileName !== undefined ? { template: flags.profileName } : {}),
    });
  }
  const chosen = role ?? await roleOfProfile(flags, runtime, profile) ??
    await chooseInteractively(runtime, profile, options);
  const creds = await cachedRoleCredentials(runtime, profile, chosen, options);
  if (flags.external) {
    runtime.stdout.write(renderProcess(creds));
  } else if (flags.env) {
    const { defaultEnvFormat, renderEnv } = await import("../render/render_env.ts");
    const format = flags.format ?? defaultEnvFormat(runtime.env, runtime.os);
    // Set here, they would win over the new keys: botocore takes AWS_SECURITY_TOKEN before
    // AWS_SESSION_TOKEN, the JS SDK a profile before keys.
    const rivals = ["AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"]
      .filter((name) => runtime.env(name) !== undefined);
    runtime.stdout.write(renderEnv(creds, {
      format,
      ...(profile.region !== undefined ? { region: profile.region } : {}),
      ...(format !== "dotenv" ? { unset: rivals } : {}),
    }));
    if (rivals.length > 0) {
      runtime.stderr.write(
        format === "dotenv"
          ? `aws-sso: warning: ${rivals.join(", ")} would override these keys in some clients; ` +
            "unset them where this file is used\n"
          : `aws-sso: the output also unsets ${rivals.join(", ")}, which some clients would ` +
            "use instead of these keys" +
            // The profile came from AWS_PROFILE: the next run in that shell needs -p.
            (flags.profile === undefined && rivals.includes("AWS_PROFILE")
              ? `; give -p ${shellQuote(profile.profileName)} from now on`
              : "") +
            // fish reads export lines, but has no unset.
            (format === "sh" && flags.format === undefined &&
                /(^|\/)fish$/.test(runtime.env("SHELL") ?? "")
              ? " (fish has no unset: give --format fish)\n"
              : "\n"),
      );
    }
  } else {
    const section = flags.writeProfile ?? "default";
    const { writeCredentialsProfile } = await import("./write_credentials_profile.ts");
    const path = await writeCredentialsProfile(runtime, section, creds);
    runtime.stderr.write(
      `Wrote credentials for ${chosen.roleName} in account ${chosen.accountId} to [${section}] ` +
        `of ${path}, valid until ${isoSeconds(creds.expiration)}\n`,
    );
  }
  return 0;
}

/**
 * With no role given: the profile's own (`sso_account_id`, `sso_role_name`, as `aws configure
 * sso` writes them) where nobody can choose, as the AWS CLI would use it; `undefined` where the
 * chooser runs. `-ext` never chooses: without either, it is a usage error.
 */
function roleOfProfile(flags: Flags, runtime: Runtime, profile: SsoProfile): RoleRef | undefined {
  const canChoose = !flags.external && runtime.terminal.isTerminal && runtime.stderr.isTerminal;
  if (canChoose) return undefined;
  const own = profileRole(profile);
  if (own) return own;
  if (flags.external) {
    throw new SsoError("USAGE", "-ext needs a role", {
      hint: "add -r ROLE_ARN (or --account ID --role NAME), or set sso_account_id and " +
        `sso_role_name in profile "${profile.profileName}"`,
    });
  }
  return undefined;
}

async function chooseInteractively(
  runtime: Runtime,
  profile: SsoProfile,
  options: GetSsoTokenOptions,
): Promise<RoleRef> {
  const { chooseRole, orderRoles } = await import("./role_chooser.ts");
  if (!runtime.terminal.isTerminal || !runtime.stderr.isTerminal) {
    // Fail before any network call: there is nobody to choose.
    return await chooseRole(runtime, []);
  }
  const [{ discover }, { readRecent, rememberRecent }] = await Promise.all([
    import("../portal/discover.ts"),
    import("./recent_roles.ts"),
  ]);
  const roles = await discover(runtime, profile, options);
  const picked = await chooseRole(runtime, orderRoles(roles, await readRecent(runtime)));
  await rememberRecent(runtime, picked);
  return { accountId: picked.accountId, roleName: picked.roleName };
}
