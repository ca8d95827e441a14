/**
 * The credential_process hot path on its own: `-ext` for a role whose credentials are cached
 * with time left. `cli.ts` runs it before anything else, from its one-file build
 * (`answer_from_cache.bundle.js`, made by `deno task build`): a cached call then loads four
 * modules (`cli.ts`, the runtime, its errors and this build) instead of 21, and Deno's start-up
 * charges by the module far more than by the line.
 *
 * It answers exactly as `main()` would, or not at all: every other command, a cache miss and
 * every error is left to `main()`. After a miss, `main()` goes on from the flags and the profile
 * read here (plain data, whichever copy of the code made them); after an error it reads
 * everything again and reports what failed.
 *
 * @module
 */

import { loadSsoProfile } from "../config/load_sso_profile.ts";
import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { readCachedRoleCredentials } from "../portal/role_credentials_cache.ts";
import { renderProcess } from "../render/render_process.ts";
import type { Runtime } from "../runtime.ts";
import { type Flags, parseFlags, profileNameOf } from "./parse_flags.ts";
import { profileRole, roleFromFlags } from "./role_from_flags.ts";

/**
 * What {@linkcode answerFromCache} found: the answer to print; or, when the cache has none, the
 * flags and the profile it read, for `mainAfterMiss()` to go on from (plain data); or `undefined`
 * for `main()` to run the command from the start.
 */
export type CacheAnswer =
  | { answer: string }
  | { answer?: undefined; flags: Flags; profile: SsoProfile }
  | undefined;

/**
 * What `aws-sso ARGS` prints when ARGS ask for `-ext` and the role's credentials are cached
 * with more than 15 minutes left. Reads the config and one cache file, writes nothing, and never
 * throws.
 *
 * @param args the command line after the program name
 * @param runtime files, environment and clock
 * @returns the credential_process JSON, or what was read on the way to a miss
 */
export async function answerFromCache(
  args: string[],
  runtime: Pick<Runtime, "fs" | "env" | "now">,
): Promise<CacheAnswer> {
  try {
    const flags = parseFlags(args);
    // -ext alone: --login signs in first, --help and --version answer something else.
    if (!flags.external || flags.login || flags.help || flags.version) return undefined;
    const profile = await loadSsoProfile(runtime, profileNameOf(flags, runtime.env));
    const role = roleFromFlags(flags) ?? profileRole(profile);
    const creds = role && await readCachedRoleCredentials(runtime, profile, role);
    return creds ? { answer: renderProcess(creds) } : { flags, profile };
  } catch {
    return undefined;
  }
}
