/**
 * `deno task build`: makes the two one-file builds that `cli.ts` loads, from their sources:
 *
 * - `src/cli/answer_from_cache.bundle.js`: the credential_process hot path
 *   (`src/cli/answer_from_cache.ts` and what it imports);
 * - `src/run_main.bundle.js`: the rest of the CLI (`src/run_main.ts`: `main()` and all it runs),
 *   but the AWS SDK clients' modules and the permission flags', which load from their own files
 *   when used.
 *
 * Deno's start-up charges by the module far more than by the line, so each is one module. They
 * are committed, so that every way of running aws-sso (`deno run cli.ts`, `jsr:`, `deno compile`)
 * has them without a build step; each header holds a hash of the sources it was made from and
 * one of its own text, and a test fails while either is off. Run the build after changing any of
 * their sources.
 *
 * @module
 */

import { dirname, join, relative } from "node:path/posix";
import { fileURLToPath } from "node:url";

/** One build: its entry, its output, and the imports left to load from their own files. */
export interface Build {
  /** The entry module, relative to the repository root. */
  entry: string;
  /** The one-file build, relative to the repository root. */
  bundle: string;
  /**
   * Imports kept out of the build, as `[importing module, specifier]`: dynamic imports, which
   * the build points at the module's own file. Their code may share no state with the build's.
   */
  external: [string, string][];
  /** npm packages it may import (dynamically, through the import map). */
  packages: string[];
}

/** The builds `cli.ts` loads. */
export const BUILDS: readonly Build[] = [
  {
    entry: "src/cli/answer_from_cache.ts",
    bundle: "src/cli/answer_from_cache.bundle.js",
    external: [],
    packages: [],
  },
  {
    entry: "src/run_main.ts",
    bundle: "src/run_main.bundle.js",
    external: [
      // The AWS SDK's clients and what loads them: npm packages, started only on a cache miss.
      ["src/deno_runtime.ts", "./defer_sdk_modules.ts"],
      ["src/deno_runtime.ts", "./portal/sdk_portal.ts"],
      ["src/deno_runtime.ts", "./token/sdk_oidc.ts"],
      // It imports node:path and node:url, which every start-up would pay for in the build.
      ["src/cli/write_discovered_profiles.ts", "./permissions.ts"],
    ],
    packages: ["uqr"],
  },
];

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** esbuild starts each module's code with `// PATH` (relative to the repository root). */
const MARKER = /^\/\/ ([\w./-]+\.(?:ts|js))$/gm;

/** The source files a build was made from, by the markers esbuild puts before their code. */
export function bundledSources(bundle: string): string[] {
  return [...new Set(Array.from(bundle.matchAll(MARKER), (m) => m[1]!))].sort();
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 (hex) of the named source files as they are now (line ends as LF). */
export async function sourcesHash(files: string[], root: string = ROOT): Promise<string> {
  const parts = await Promise.all(
    files.map(async (f) => `${f}\0${await Deno.readTextFile(join(root, f))}\0`),
  );
  return await sha256(parts.join("").replaceAll("\r\n", "\n"));
}

/** SHA-256 (hex) of a build's text after its header. */
export async function bodyHash(bundle: string): Promise<string> {
  const at = bundle.indexOf("\n", bundle.indexOf("\n// body: ") + 1) + 1;
  return await sha256(bundle.slice(at).replaceAll("\r\n", "\n"));
}

/** The hashes a build's header records (`undefined` where it has none). */
export function recordedHashes(
  bundle: string,
): { sources: string | undefined; body: string | undefined } {
  const hash = (name: string) => bundle.match(new RegExp(`^// ${name}: ([0-9a-f]{64})$`, "m"))?.[1];
  return { sources: hash("sources"), body: hash("body") };
}

/**
 * What a build imports at run time that it should not: anything but its externals (as the build
 * points them) and its packages. Empty when all is well.
 */
export function strayImports(build: Build, body: string): string[] {
  const allowed = new Set([
    ...build.external.map(([from, spec]) => externalPath(build, from, spec)),
    ...build.packages,
  ]);
  const found = body.match(
    /^import\b.*$|^export\b.*\bfrom\b.*$|\bimport\(\s*[^)]*|\brequire\(\s*[^)]*/gm,
  );
  return (found ?? []).filter((m) => {
    const spec = m.match(/^import\(\s*"([^"]*)"$/)?.[1];
    return spec === undefined || !allowed.has(spec);
  });
}

/** An external's specifier as the build must write it: relative to the build's folder. */
function externalPath(build: Build, from: string, spec: string): string {
  const path = relative(dirname(build.bundle), join(dirname(from), spec));
  return path.startsWith(".") ? path : `./${path}`;
}

/**
 * The modules of a build that use `import.meta` but sit in another folder than the build: there
 * it would name other files.
 */
export function misplacedMeta(build: Build, body: string): string[] {
  const sections = body.split(/^(?=\/\/ [\w./-]+\.(?:ts|js)$)/m);
  return sections
    .filter((s) => /\bimport\.meta\b/.test(s))
    .map((s) => s.startsWith("// ") ? s.slice(3, s.indexOf("\n")) : "(before the first module)")
    .filter((file) => dirname(file) !== dirname(build.bundle));
}

async function make(build: Build): Promise<void> {
  const out = join(ROOT, `${build.bundle}.tmp`);
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "deno",
      "--format",
      "esm",
      ...build.external.flatMap(([, spec]) => ["--external", spec]),
      ...build.packages.flatMap((p) => ["--external", p]),
      "-o",
      out,
      build.entry,
    ],
    cwd: ROOT,
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`deno bundle failed: ${new TextDecoder().decode(stderr)}`);
  let body = await Deno.readTextFile(out);
  await Deno.remove(out);
  for (const [from, spec] of build.external) {
    const written = `import("${spec}")`;
    if (body.split(written).length !== 2) {
      throw new Error(`${build.bundle}: expected ${written} (from ${from}) once`);
    }
    body = body.replace(written, `import("${externalPath(build, from, spec)}")`);
  }
  const stray = strayImports(build, body);
  if (stray.length > 0) throw new Error(`${build.bundle} would import ${stray.join(", ")}`);
  const misplaced = misplacedMeta(build, body);
  if (misplaced.length > 0) {
    throw new Error(`${build.bundle}: import.meta of ${misplaced.join(", ")} would be its own`);
  }
  const sources = bundledSources(body);
  const header = [
    `// Generated by \`deno task build\` from ${build.entry} and the ${sources.length - 1} modules`,
    "// it imports. Do not edit: change them and run the build again (a test fails until then).",
    `// sources: ${await sourcesHash(sources)}`,
    `// body: ${await sha256(body.replaceAll("\r\n", "\n"))}`,
    "",
  ].join("\n");
  await Deno.writeTextFile(out, header + body);
  await Deno.rename(out, join(ROOT, build.bundle));
  console.error(`${build.bundle}: ${sources.length} modules, ${(header + body).length} bytes`);
}

if (import.meta.main) {
  for (const build of BUILDS) await make(build);
}
