/**
 * The SSO portal operations aws-sso uses (spec §1), as an interface the runtime supplies.
 *
 * @module
 */

/** How to reach the portal. */
export interface PortalClientOptions {
  /** The SSO region, e.g. `us-east-1`. */
  region: string;
  /** An endpoint URL that replaces `https://portal.sso.{region}.{dnsSuffix}`. */
  endpoint?: string;
  /** PEM certificates to trust besides the system's (`AWS_CA_BUNDLE`). */
  caBundlePem?: string;
}

/** An account the user can reach. */
export interface AccountInfo {
  accountId: string;
  accountName?: string;
  emailAddress?: string;
}

/** A role (permission set) in an account. */
export interface RoleInfo {
  accountId: string;
  roleName: string;
}

/** Short-term credentials; `expiration` in epoch milliseconds, as the portal sends it. */
export interface PortalRoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: number;
}

/** One page of a listing. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * The portal operations. A service error rejects with an `Error` whose `name` is the AWS error
 * type (`UnauthorizedException`, `TooManyRequestsException`, `ResourceNotFoundException`, …).
 */
export interface PortalApi {
  getRoleCredentials(
    input: { accessToken: string; accountId: string; roleName: string },
  ): Promise<PortalRoleCredentials>;
  listAccounts(
    input: { accessToken: string; nextToken?: string; maxResults?: number },
  ): Promise<Page<AccountInfo>>;
  listAccountRoles(
    input: { accessToken: string; accountId: string; nextToken?: string; maxResults?: number },
  ): Promise<Page<RoleInfo>>;
  logout(input: { accessToken: string }): Promise<void>;
}
