/**
 * The roles chosen lately, shown first by the chooser: `~/.aws/aws-sso/recent.json`.
 *
 * @module
 */

import { join } from "../path.ts";
import { homeDir } from "../config/home_dir.ts";
import { writeFileSafely } from "../files/write_file_safely.ts";
import type { Runtime } from "../runtime.ts";
import { roleKey } from "./role_chooser.ts";

const KEEP = 10;

function recentPath(runtime: Runtime): string {
  return join(homeDir(runtime.env), ".aws", "aws-sso", "recent.json");
}

/** The recent role keys, most recent first; a missing or corrupt file gives `[]`. */
export async function readRecent(runtime: Runtime): Promise<string[]> {
  const text = await runtime.fs.readTextFile(recentPath(runtime));
  try {
    const data = text === null ? [] : JSON.parse(text);
    return Array.isArray(data) ? data.filter((k) => typeof k === "string") : [];
  } catch {
    return [];
  }
}

/** Puts a role first in the recent list. Losing this file loses nothing that matters. */
export async function rememberRecent(
  runtime: Runtime,
  role: { accountId: string; roleName: string },
): Promise<void> {
  const key = roleKey(role);
  const list = [key, ...(await readRecent(runtime)).filter((k) => k !== key)].slice(0, KEEP);
  try {
    await writeFileSafely(runtime, recentPath(runtime), JSON.stringify(list) + "\n");
  } catch {
    // The recent list is a convenience; failing to save it must not fail the command.
  }
}
