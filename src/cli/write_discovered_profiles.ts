/**
 * Discovery (`-d`): a `[profile ACCOUNTID-ROLENAME]` with a `credential_process` line that calls
 * this program, for every role the user can reach.
 *
 * @module
 */

import {
  configFilePath,
  loadAwsFile,
  profileNames,
  profileSectionName,
} from "../config/aws_files.ts";
import { IniDocument } from "../config/ini_document.ts";
import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { partition } from "../endpoints.ts";
import { SsoError } from "../errors.ts";
import { withLock } from "../files/lock.ts";
import { writeFileSafely } from "../files/write_file_safely.ts";
import { discover, type DiscoveredRole } from "../portal/discover.ts";
import { DEFAULT_PROFILE_TEMPLATE, discoveredProfileName } from "../portal/profile_name.ts";
import { formatRoleArn } from "../portal/role_arn.ts";
import type { Runtime } from "../runtime.ts";
import type { GetSsoTokenOptions } from "../token/get_sso_token.ts";
import { runsAwsSsoFor, runsPythonAwsSso } from "./aws_sso_line.ts";
import { lineDiff } from "./line_diff.ts";
import { commandLine, selfCommand } from "../command_line.ts";

/** The key that marks a profile written by discovery; its value is the SSO profile used. */
export const DISCOVERED_MARKER = "aws_sso_discovered_from";

/** Options of {@linkcode writeDiscoveredProfiles}. */
export interface WriteDiscoveredOptions extends GetSsoTokenOptions {
  /** Profile name template (default `{account_id}-{role_name}`). */
  template?: string;
  /** Print the diff on stdout and write nothing. */
  dryRun?: boolean;
  /** Remove profiles an earlier discovery from this SSO profile wrote that are no longer granted. */
  prune?: boolean;
}

/**
 * Whether an existing profile may be rewritten: one that discovery from this SSO profile wrote,
 * or an unmarked one with no SSO keys whose `credential_process` gets this very role through
 * this SSO profile with aws-sso or the Python `aws_sso` (whose discovery wrote such profiles).
 * Anything else was written by hand (`role_arn`, another SSO profile's or role's line, a wrapper
 * script, …) or comes from another SSO profile's discovery.
 */
function mayUpdate(
  keys: Record<string, string>,
  ssoProfile: string,
  role: DiscoveredRole,
): boolean {
  if (keys[DISCOVERED_MARKER] !== undefined) return keys[DISCOVERED_MARKER] === ssoProfile;
  if (Object.keys(keys).some((k) => k.startsWith("sso_"))) return false;
  const process = keys["credential_process"];
  return process !== undefined && runsAwsSsoFor(process, ssoProfile, role);
}

/** The first few of `items`, for a one-line summary. */
function some(items: string[]): string {
  return `${items.slice(0, 3).join(", ")}${items.length > 3 ? ", …" : ""}`;
}

/**
 * The `credential_process` value that gets `role` through `profile`.
 *
 * @param runtime how this program runs
 * @param profile the SSO profile
 * @param role the role
 * @param flags the permission flags of the line (`runFlags()` of `./permissions.ts`)
 * @returns the command line, quoted for both `sh` and `shlex` (on Windows, for `cmd.exe` and
 *   `CommandLineToArgvW`, which botocore's splitter follows)
 */
export function credentialProcessLine(
  runtime: Runtime,
  profile: SsoProfile,
  role: DiscoveredRole,
  flags: string[],
): string {
  if (runtime.os === "windows" && profile.profileName.includes('"')) {
    // The JS SDK runs the line through cmd.exe, which knows no escaped quote inside quotes.
    throw new SsoError(
      "USAGE",
      `Cannot write credential_process lines for ${JSON.stringify(profile.profileName)} on ` +
        "Windows: cmd.exe cannot take a double quote in a name",
      { hint: "rename the SSO profile without double quotes" },
    );
  }
  const arn = formatRoleArn(partition(profile.ssoRegion), role.accountId, role.roleName);
  return commandLine([
    ...selfCommand(runtime.program, flags),
    "-p",
    profile.profileName,
    "-r",
    arn,
    "-ext",
  ], runtime.os);
}

/**
 * Discovers every role and writes one profile per role into the config file, under a lock,
 * changing only what it must: a second run leaves the file byte-identical. Profiles it did not
 * write (by hand, or by discovery from another SSO profile) are left alone.
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @param options template, dry run, prune and sign-in policy
 * @returns the exit code
 */
export async function writeDiscoveredProfiles(
  runtime: Runtime,
  profile: SsoProfile,
  options: WriteDiscoveredOptions,
): Promise<number> {
  const progress = runtime.stderr.isTerminal
    ? (done: number, total: number) =>
      runtime.stderr.write(
        `\rListing roles: ${done}/${total} accounts${done === total ? "\n" : ""}`,
      )
    : undefined;
  const template = options.template ?? DEFAULT_PROFILE_TEMPLATE;
  try {
    discoveredProfileName(template, { accountId: "111122223333", roleName: "Role" });
  } catch (err) {
    throw new SsoError("USAGE", `Invalid --profile-name: ${(err as Error).message}`, {
      hint: "use {account_id}, {account_name} and {role_name}",
    });
  }
  // Loaded only here: its node:path and node:url would cost every other command's start-up.
  const { runFlags } = await import("./permissions.ts");
  const flags = runFlags(runtime.env, runtime.os, {
    endpoints: Object.values(profile.endpoints ?? {}),
  });
  const roles = await discover(runtime, profile, {
    ...options,
    ...(progress ? { onProgress: progress } : {}),
  });
  if (roles.length === 0) {
    // Nothing to write, and with --prune an empty answer would remove every discovered profile.
    throw new SsoError(
      "NOT_FOUND",
      `No account or role is assigned to you in IAM Identity Center (${profile.startUrl})`,
      { hint: "ask your administrator to assign you a permission set; nothing was written" },
    );
  }
  const path = configFilePath(runtime.env);
  const counts = {
    added: 0,
    updated: 0,
    unchanged: 0,
    pruned: 0,
    /** Existing profiles that are not ours to rewrite, by the owner's kind. */
    byHand: [] as string[],
    otherSso: [] as string[],
    /** Roles left out: their profile name is another role's, the SSO profile's, or unusable. */
    collided: [] as string[],
    ownName: [] as string[],
    /** Profiles whose line still runs the Python `aws_sso` once discovery is done. */
    python: [] as string[],
    unusable: [] as string[],
  };
  // A dry run writes nothing, so it needs no lock (nor a folder it could write the lock in).
  const locked = (fn: () => Promise<void>) =>
    options.dryRun ? fn() : withLock(runtime, `${path}.lock`, fn);
  await locked(async () => {
    const file = await loadAwsFile(runtime, "config");
    const doc = file.doc;
    const wanted = new Set<string>();
    for (const role of roles) {
      let name: string;
      try {
        name = discoveredProfileName(template, role);
      } catch {
        // A name no AWS tool could use (`default`, `__proto__`): leave that role out.
        counts.unusable.push(`${role.accountId}/${role.roleName}`);
        continue;
      }
      if (name === profile.profileName || wanted.has(name)) {
        (name === profile.profileName ? counts.ownName : counts.collided)
          .push(`${role.accountId}/${role.roleName}`);
        continue;
      }
      wanted.add(name);
      const section = profileSectionName(name, "config");
      const existing = doc.lookup({ type: "profile", name });
      const keys = existing?.toRecord();
      if (keys && !mayUpdate(keys, profile.profileName, role)) {
        (keys[DISCOVERED_MARKER] !== undefined ? counts.otherSso : counts.byHand).push(name);
        continue;
      }
      const before = existing?.text;
      doc.set(section, "credential_process", credentialProcessLine(runtime, profile, role, flags));
      if (profile.region !== undefined) doc.set(section, "region", profile.region);
      doc.set(section, DISCOVERED_MARKER, profile.profileName);
      const after = doc.lookup({ type: "profile", name })!.text;
      if (before === undefined) counts.added++;
      else if (before === after) counts.unchanged++;
      else counts.updated++;
    }
    if (options.prune) {
      for (const name of profileNames(doc)) {
        const keys = doc.lookup({ type: "profile", name })?.toRecord();
        if (keys?.[DISCOVERED_MARKER] === profile.profileName && !wanted.has(name)) {
          // Only sections carrying the marker: a hand-written twin of the same name stays.
          doc.removeSection(
            profileSectionName(name, "config"),
            (section) => section.get(DISCOVERED_MARKER) === profile.profileName,
          );
          counts.pruned++;
        }
      }
    }
    for (const name of profileNames(doc)) {
      const line = doc.lookup({ type: "profile", name })?.get("credential_process");
      if (line !== undefined && runsPythonAwsSso(line)) counts.python.push(name);
    }
    const text = doc.toString();
    if (options.dryRun) {
      runtime.stdout.write(lineDiff(file.text, text));
      return;
    }
    if (text === file.text) return;
    await writeFileSafely(runtime, path, text, {
      keepReadOnly: true,
      validate: (t) => void IniDocument.parse(t, { file: path, kind: "config" }),
    });
  });
  const accounts = new Set(roles.map((r) => r.accountId)).size;
  const notes = [
    counts.byHand.length
      ? `, ${counts.byHand.length} left alone (written by hand: ${some(counts.byHand)})`
      : "",
    counts.otherSso.length
      ? `, ${counts.otherSso.length} left alone (discovered from another SSO profile: ${
        some(counts.otherSso)
      })`
      : "",
    counts.collided.length
      ? `; ${counts.collided.length} roles left out: their profile names are taken by other ` +
        `roles (${some(counts.collided)}); add {account_id} to --profile-name`
      : "",
    counts.ownName.length
      ? `; ${counts.ownName.length} roles left out: their profile name is that of the SSO ` +
        `profile ${profile.profileName} itself (${some(counts.ownName)}); change --profile-name`
      : "",
    counts.unusable.length
      ? `; ${counts.unusable.length} roles left out: no AWS tool can use their profile names ` +
        `(${some(counts.unusable)}); change --profile-name`
      : "",
    counts.python.length
      ? `; ${counts.python.length} profiles still run the Python aws_sso ` +
        `(${some(counts.python)}): point them at aws-sso or remove them`
      : "",
  ];
  const changed = counts.added + counts.updated + counts.pruned > 0;
  const verb = !changed ? "No change to" : options.dryRun ? "Would write" : "Wrote";
  runtime.stderr.write(
    `${verb} ${path}: ${roles.length} roles in ${accounts} ` +
      `accounts; ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged` +
      `${options.prune ? `, ${counts.pruned} pruned` : ""}${notes.join("")}\n`,
  );
  return 0;
}
