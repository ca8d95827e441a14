/**
 * The fake SSO portal (spec §1): GetRoleCredentials, ListAccounts and ListAccountRoles with real
 * pagination, and Logout, all authenticated by the `x-amz-sso_bearer_token` header.
 *
 * @module
 */

import type { FakeState } from "./state.ts";
import { jsonResponse, portalError, type RequestContext } from "./wire.ts";

/** The bearer header of the portal (with its underscore). */
const BEARER_HEADER = "x-amz-sso_bearer_token";

/** The session behind the bearer token, or the 401 response. */
function authenticate(state: FakeState, ctx: RequestContext): number | Response {
  const session = state.sessionOf(ctx.request.headers.get(BEARER_HEADER));
  return session ?? portalError(401, "UnauthorizedException", "Session token not found or invalid");
}

/** 403 for an account or role the user is not assigned. */
function noAccess(): Response {
  return portalError(403, "ForbiddenException", "No access");
}

/** `GET /federation/credentials?role_name=…&account_id=…`. */
export function getRoleCredentials(state: FakeState, ctx: RequestContext): Response {
  const session = authenticate(state, ctx);
  if (session instanceof Response) return session;
  const roleName = ctx.url.searchParams.get("role_name");
  const accountId = ctx.url.searchParams.get("account_id");
  if (!roleName || !accountId) {
    return portalError(400, "InvalidRequestException", "role_name and account_id are required");
  }
  if (!state.accounts.get(accountId)?.roles.includes(roleName)) return noAccess();
  const creds = state.issueRoleCredentials(accountId, roleName);
  return jsonResponse(200, {
    roleCredentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      expiration: creds.expiration,
    },
  });
}

/** What a `nextToken` encodes. */
interface PageCursor {
  /** Which listing: `accounts` or `roles:{accountId}`. */
  l: string;
  /** The offset of the next item. */
  o: number;
}

/**
 * Reads `max_result` and `next_token` for a listing.
 *
 * @returns The page size and start offset, or the 400 response.
 */
function pageOf(
  state: FakeState,
  ctx: RequestContext,
  listing: string,
): { size: number; offset: number } | Response {
  const q = ctx.url.searchParams;
  const max = q.get("max_result");
  let size = state.config.defaultPageSize;
  if (max !== null) {
    size = Number(max);
    if (!/^\d+$/.test(max) || size < 1 || size > 100) {
      return portalError(
        400,
        "InvalidRequestException",
        `Invalid max_result: ${max}: must be an integer from 1 to 100`,
      );
    }
  }
  const token = q.get("next_token");
  if (token === null || token === "") return { size, offset: 0 };
  try {
    const cursor = JSON.parse(atob(token.replace(/-/g, "+").replace(/_/g, "/"))) as PageCursor;
    if (cursor.l === listing && Number.isInteger(cursor.o) && cursor.o >= 0) {
      return { size, offset: cursor.o };
    }
  } catch {
    // Falls through to the error below.
  }
  return portalError(400, "InvalidRequestException", "Invalid next_token");
}

/** An opaque token for the page at `offset`. */
function cursorToken(listing: string, offset: number): string {
  const cursor: PageCursor = { l: listing, o: offset };
  return btoa(JSON.stringify(cursor)).replace(/\+/g, "-").replace(/\//g, "_");
}

/** One page of a listing as `{nextToken?, [key]: items}`. */
function pageResponse<T>(
  key: string,
  listing: string,
  items: readonly T[],
  page: { size: number; offset: number },
): Response {
  const end = page.offset + page.size;
  const body: Record<string, unknown> = {};
  if (end < items.length) body.nextToken = cursorToken(listing, end);
  body[key] = items.slice(page.offset, end);
  return jsonResponse(200, body);
}

/** `GET /assignment/accounts?max_result=…&next_token=…`. */
export function listAccounts(state: FakeState, ctx: RequestContext): Response {
  const session = authenticate(state, ctx);
  if (session instanceof Response) return session;
  const page = pageOf(state, ctx, "accounts");
  if (page instanceof Response) return page;
  const accounts = state.config.directory.accounts.map((
    { accountId, accountName, emailAddress },
  ) => ({ accountId, accountName, emailAddress }));
  return pageResponse("accountList", "accounts", accounts, page);
}

/** `GET /assignment/roles?account_id=…&max_result=…&next_token=…`. */
export function listAccountRoles(state: FakeState, ctx: RequestContext): Response {
  const session = authenticate(state, ctx);
  if (session instanceof Response) return session;
  const accountId = ctx.url.searchParams.get("account_id");
  if (!accountId) return portalError(400, "InvalidRequestException", "account_id is required");
  const account = state.accounts.get(accountId);
  if (!account) return noAccess();
  const listing = `roles:${accountId}`;
  const page = pageOf(state, ctx, listing);
  if (page instanceof Response) return page;
  const roles = account.roles.map((roleName) => ({ roleName, accountId }));
  return pageResponse("roleList", listing, roles, page);
}

/** `POST /logout`: ends the session of the token; its access and refresh tokens stop working. */
export function logout(state: FakeState, ctx: RequestContext): Response {
  const session = authenticate(state, ctx);
  if (session instanceof Response) return session;
  const record = state.sessions[session];
  if (record) record.ended = true;
  return new Response(null, { status: 200 });
}
