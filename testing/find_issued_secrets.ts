/**
 * Leak checks: which secrets the fake AWS issued appear in some text.
 *
 * @module
 */

import type { IssuedSecrets } from "./state.ts";

/** A secret found in text. */
export interface FoundSecret {
  /** Which kind of secret, e.g. `refreshTokens`. */
  kind: keyof IssuedSecrets;
  /** The secret itself. */
  value: string;
}

/** Options of {@linkcode findIssuedSecrets}. */
export interface FindIssuedSecretsOptions {
  /** Kinds that may appear (e.g. `secretAccessKeys` in credential_process output). Default none. */
  allow?: (keyof IssuedSecrets)[];
}

/**
 * Finds the secrets of `issued` that occur in `text` (for example a CLI's stdout, stderr and log
 * files), so a test can assert that nothing leaked.
 *
 * @param text The text to search.
 * @param issued The secrets, from `aws.issued` or `GET /__fake/issued`.
 * @param options Kinds to ignore.
 * @returns Every secret found, in the order of `issued`; empty if none.
 *
 * @example No secret in a message
 * ```ts
 * import { findIssuedSecrets, startFakeAws } from "@ssokit/aws-sso/testing";
 *
 * await using aws = await startFakeAws();
 * const { accessToken } = aws.issueTokens();
 * console.assert(findIssuedSecrets("Logged in as alice@example.com", aws.issued).length === 0);
 * const found = findIssuedSecrets(`token=${accessToken}`, aws.issued);
 * console.assert(found.length === 1 && found[0]?.kind === "accessTokens");
 * ```
 */
export function findIssuedSecrets(
  text: string,
  issued: IssuedSecrets,
  options: FindIssuedSecretsOptions = {},
): FoundSecret[] {
  const found: FoundSecret[] = [];
  for (const kind of Object.keys(issued) as (keyof IssuedSecrets)[]) {
    if (options.allow?.includes(kind)) continue;
    for (const value of issued[kind]) {
      if (value !== "" && text.includes(value)) found.push({ kind, value });
    }
  }
  return found;
}
