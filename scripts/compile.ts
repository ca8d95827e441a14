/**
 * `deno task compile`: builds `dist/aws-sso`, a permission-scoped executable for the user who runs
 * it. The flags come from `src/cli/permissions.ts`, the single source of truth that the tests run
 * the CLI under, with this user's environment and the endpoints their config file names.
 *
 * @module
 */

import { loadAwsFile, profileNames } from "../src/config/aws_files.ts";
import { ssoProfileOf } from "../src/config/load_sso_profile.ts";
import { permissionFlags } from "../src/cli/permissions.ts";
import { denoFileSystem } from "../src/deno_runtime.ts";

const runtime = { fs: denoFileSystem, env: (name: string) => Deno.env.get(name) };
const config = await loadAwsFile(runtime, "config");
const endpoints: string[] = [];
for (const name of profileNames(config.doc)) {
  try {
    endpoints.push(...Object.values(ssoProfileOf(config, name).endpoints ?? {}));
  } catch {
    // Not an SSO profile: nothing to reach.
  }
}
const flags = permissionFlags(runtime.env, Deno.build.os, endpoints);
const args = ["compile", ...flags, "--output", "dist/aws-sso", ...Deno.args, "cli.ts"];
console.error(`deno ${args.join(" ")}`);
const { code } = await new Deno.Command(Deno.execPath(), { args }).spawn().status;
Deno.exit(code);
