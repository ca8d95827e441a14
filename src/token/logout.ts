/**
 * Signing out, as `aws sso logout` does for one session.
 *
 * @module
 */

import type { SsoProfile } from "../config/resolve_sso_profile.ts";
import { withLock } from "../files/lock.ts";
import { portalFor } from "../portal/portal_for.ts";
import type { Runtime } from "../runtime.ts";
import { tokenCachePath } from "./cache_paths.ts";
import { sessionLockPath } from "./get_sso_token.ts";
import { readToken } from "./token_store.ts";

/**
 * Signs out of a profile's SSO session: calls the portal's `Logout` (its errors are ignored, as
 * the AWS CLI ignores them) and removes the cached token. The client registration is kept.
 *
 * @param runtime the runtime
 * @param profile the SSO profile
 * @returns whether a token was found and removed
 */
export async function logout(runtime: Runtime, profile: SsoProfile): Promise<boolean> {
  return await withLock(runtime, sessionLockPath(runtime, profile), async () => {
    const token = await readToken(runtime, profile);
    if (!token) return false;
    try {
      const portal = await portalFor(runtime, profile);
      await portal.logout({ accessToken: token.accessToken });
    } catch {
      // The AWS CLI ignores Logout errors too: the token is removed either way.
    }
    await runtime.fs.remove(tokenCachePath(profile, runtime.env));
    return true;
  });
}
