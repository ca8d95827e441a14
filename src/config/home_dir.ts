/**
 * The user's home folder and `~` expansion, as the AWS SDKs find them.
 *
 * @module
 */

import { join } from "../path.ts";

/**
 * The home folder: `HOME`, then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`.
 *
 * @param env reads an environment variable
 * @returns the folder
 * @throws {TypeError} when none of them is set
 */
export function homeDir(env: (name: string) => string | undefined): string {
  const home = env("HOME") || env("USERPROFILE") ||
    (env("HOMEDRIVE") && env("HOMEPATH") ? `${env("HOMEDRIVE")}${env("HOMEPATH")}` : undefined);
  if (!home) throw new TypeError("Cannot find the home folder: HOME is not set");
  return home;
}

/**
 * Expands a leading `~` (alone or followed by `/` or `\`) to the home folder.
 *
 * @param path a path that may start with `~`
 * @param env reads an environment variable
 * @returns the expanded path
 */
export function expandHome(path: string, env: (name: string) => string | undefined): string {
  if (path === "~") return homeDir(env);
  if (path.startsWith("~/") || path.startsWith("~\\")) return join(homeDir(env), path.slice(2));
  return path;
}
