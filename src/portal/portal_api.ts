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
  /** The 12-digit account id. */
  accountId: string;
  /** The account's name. */
  accountName?: string;
  /** The account's root email address. */
  emailAddress?: string;
}

/** A role (permission set) in an account. */
export interface RoleInfo {
  /** The 12-digit account id. */
  accountId: string;
  /** The permission set name, e.g. `ReadOnly`. */
  roleName: string;
}

/** Short-term credentials; `expiration` in epoch milliseconds, as the portal sends it. */
export interface PortalRoleCredentials {
  /** `ASIA…` */
  accessKeyId: string;
  /** Secret. */
  secretAccessKey: string;
  /** Secret. */
  sessionToken: string;
  /** Epoch milliseconds. */
  expiration: number;
}

/** One page of a listing. */
export interface Page<T> {
  /** The items of this page. */
  items: T[];
  /** The token of the next page; absent on the last. */
  nextToken?: string;
}

/**
 * The portal operations. A service error rejects with an `Error` whose `name` is the AWS error
 * type (`UnauthorizedException`, `TooManyRequestsException`, `ResourceNotFoundException`, …).
 */
export interface PortalApi {
  /** `GET /federation/credentials`. */
  getRoleCredentials(
    input: { accessToken: string; accountId: string; roleName: string },
  ): Promise<PortalRoleCredentials>;
  /** `GET /assignment/accounts`, one page. */
  listAccounts(
    input: { accessToken: string; nextToken?: string; maxResults?: number },
  ): Promise<Page<AccountInfo>>;
  /** `GET /assignment/roles`, one page. */
  listAccountRoles(
    input: { accessToken: string; accountId: string; nextToken?: string; maxResults?: number },
  ): Promise<Page<RoleInfo>>;
  /** `POST /logout`. */
  logout(input: { accessToken: string }): Promise<void>;
}
