/**
 * The {@linkcode PortalApi} on top of `@aws-sdk/client-sso`. Loaded only when the portal is called.
 *
 * @module
 */

import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  SSOClient,
} from "@aws-sdk/client-sso";
import { awsRequestHandler } from "../aws_http.ts";
import type { PortalApi, PortalClientOptions } from "./portal_api.ts";

/** Builds a portal client; retries are ours (see `rate_limiter.ts`), so the SDK makes one attempt. */
export function sdkPortal(options: PortalClientOptions): PortalApi {
  const client = new SSOClient({
    region: options.region,
    maxAttempts: 1,
    requestHandler: awsRequestHandler(
      options.caBundlePem ? { caBundlePem: options.caBundlePem } : {},
    ),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  return {
    async getRoleCredentials(input) {
      const out = await client.send(new GetRoleCredentialsCommand(input));
      const c = out.roleCredentials;
      if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || c.expiration === undefined) {
        throw Object.assign(new Error("SSO returned incomplete role credentials"), {
          name: "InvalidResponse",
        });
      }
      return {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        expiration: c.expiration,
      };
    },
    async listAccounts(input) {
      const out = await client.send(new ListAccountsCommand(input));
      return {
        items: (out.accountList ?? []).flatMap((a) =>
          a.accountId
            ? [{
              accountId: a.accountId,
              ...(a.accountName !== undefined ? { accountName: a.accountName } : {}),
              ...(a.emailAddress !== undefined ? { emailAddress: a.emailAddress } : {}),
            }]
            : []
        ),
        ...(out.nextToken ? { nextToken: out.nextToken } : {}),
      };
    },
    async listAccountRoles(input) {
      const out = await client.send(new ListAccountRolesCommand(input));
      return {
        items: (out.roleList ?? []).flatMap((r) =>
          r.roleName ? [{ accountId: r.accountId ?? input.accountId, roleName: r.roleName }] : []
        ),
        ...(out.nextToken ? { nextToken: out.nextToken } : {}),
      };
    },
    async logout(input) {
      await client.send(new LogoutCommand(input));
    },
  };
}
