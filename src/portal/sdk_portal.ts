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
import { scrubAnswers } from "../aws_error.ts";
import { awsRequestHandler, sdkClientSettings } from "../aws_http.ts";
import type { PortalApi, PortalClientOptions } from "./portal_api.ts";

/** The largest time a `Date` can hold, ms. */
const MAX_TIME_MS = 8.64e15;

/**
 * A non-empty string of an answer, or `undefined`. The SDK does not check the types it reads: a
 * field may hold a number, an object or `null` whatever its declared type.
 */
function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * A key, secret or token of an answer: printable ASCII without spaces, as AWS issues them, so
 * that it can go into a credentials file, an env line or JSON as it is; or `undefined`.
 */
function credential(value: unknown): string | undefined {
  return typeof value === "string" && /^[\x21-\x7e]+$/.test(value) ? value : undefined;
}

/** A list of an answer (`[]` if it is not one), its items not trusted either. */
function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.map((v) => (typeof v === "object" && v !== null ? v : {}))
    : [];
}

/** Builds a portal client; retries are ours (see `rate_limiter.ts`), so the SDK makes one attempt. */
export function sdkPortal(options: PortalClientOptions): PortalApi {
  const client = new SSOClient({
    ...sdkClientSettings(),
    region: options.region,
    requestHandler: awsRequestHandler(
      options.caBundlePem ? { caBundlePem: options.caBundlePem } : {},
    ),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  client.middlewareStack.add(scrubAnswers, { step: "initialize", name: "withoutAnswerText" });
  return {
    async getRoleCredentials(input) {
      const out = await client.send(new GetRoleCredentialsCommand(input));
      const c = out.roleCredentials;
      const accessKeyId = credential(c?.accessKeyId);
      const secretAccessKey = credential(c?.secretAccessKey);
      const sessionToken = credential(c?.sessionToken);
      const expiration: unknown = c?.expiration;
      if (
        !accessKeyId || !secretAccessKey || !sessionToken || typeof expiration !== "number" ||
        !(Math.abs(expiration) < MAX_TIME_MS)
      ) {
        throw Object.assign(new Error("SSO returned incomplete role credentials"), {
          name: "InvalidResponse",
        });
      }
      return { accessKeyId, secretAccessKey, sessionToken, expiration };
    },
    async listAccounts(input) {
      const out = await client.send(new ListAccountsCommand(input));
      const nextToken = text(out.nextToken);
      return {
        items: list(out.accountList).flatMap((a) => {
          const accountId = text(a?.accountId);
          const accountName = text(a?.accountName);
          const emailAddress = text(a?.emailAddress);
          return accountId
            ? [{
              accountId,
              ...(accountName !== undefined ? { accountName } : {}),
              ...(emailAddress !== undefined ? { emailAddress } : {}),
            }]
            : [];
        }),
        ...(nextToken ? { nextToken } : {}),
      };
    },
    async listAccountRoles(input) {
      const out = await client.send(new ListAccountRolesCommand(input));
      const nextToken = text(out.nextToken);
      return {
        items: list(out.roleList).flatMap((r) => {
          const roleName = text(r?.roleName);
          return roleName ? [{ accountId: text(r?.accountId) ?? input.accountId, roleName }] : [];
        }),
        ...(nextToken ? { nextToken } : {}),
      };
    },
    async logout(input) {
      await client.send(new LogoutCommand(input));
    },
  };
}
