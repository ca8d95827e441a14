/**
 * Seeding a signed-in session: a token file in the AWS CLI's format for a session the fake
 * issued, as a finished sign-in leaves it.
 *
 * @module
 */

import { join } from "node:path";
import type { FakeAws } from "../../testing/mod.ts";
import { sha1Hex } from "../../src/token/sha1_hex.ts";
import { serializeSsoToken } from "../../src/token/sso_token.ts";

/** Writes `~/.aws/sso/cache/<sha1(session)>.json` for a new fake session; returns its path. */
export async function issueSession(
  aws: FakeAws,
  home: string,
  sessionName: string,
  options: { expiresInMs?: number } = {},
): Promise<string> {
  const login = aws.issueTokens({ scopes: ["sso:account:access"] });
  const dir = join(home, ".aws", "sso", "cache");
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${sha1Hex(sessionName)}.json`);
  await Deno.writeTextFile(
    path,
    serializeSsoToken({
      startUrl: aws.startUrl,
      region: aws.region,
      accessToken: login.accessToken,
      expiresAt: Date.now() + (options.expiresInMs ?? login.expiresIn * 1000),
      clientId: login.clientId,
      clientSecret: login.clientSecret,
      registrationExpiresAt: login.clientSecretExpiresAt * 1000,
      ...(login.refreshToken ? { refreshToken: login.refreshToken } : {}),
    }),
    { mode: 0o600 },
  );
  return path;
}
