/**
 * The short-term credentials of one role, as every stage after the portal sees them.
 *
 * @module
 */

/** Credentials of one role in one account. */
export interface RoleCredentials {
  /** `ASIA…` */
  accessKeyId: string;
  /** Secret: never printed to stderr, logs or errors. */
  secretAccessKey: string;
  /** Secret: never printed to stderr, logs or errors. */
  sessionToken: string;
  /** When they stop working, epoch milliseconds. */
  expiration: number;
  /** The 12-digit account id. */
  accountId: string;
  /** The permission set (portal role) name, when known. */
  roleName?: string;
}
