/**
 * The version printed by `--version`; kept equal to deno.json's by a test.
 *
 * @module
 */

/** The package version. */
export const VERSION = "0.1.0";
