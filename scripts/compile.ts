/**
 * `deno task compile`: builds `dist/aws-sso`, a permission-scoped executable for the user who runs
 * it. The flags come from `src/cli/permissions.ts`, the single source of truth that the tests run
 * the CLI under.
 *
 * @module
 */

import { permissionFlags } from "../src/cli/permissions.ts";

const flags = permissionFlags((name) => Deno.env.get(name), Deno.build.os);
const args = ["compile", ...flags, "--output", "dist/aws-sso", ...Deno.args, "cli.ts"];
console.error(`deno ${args.join(" ")}`);
const { code } = await new Deno.Command(Deno.execPath(), { args }).spawn().status;
Deno.exit(code);
