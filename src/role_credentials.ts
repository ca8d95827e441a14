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

/** Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SSZ` (no fraction), as the AWS CLI writes times. */
export function isoSeconds(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/**
 * Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SS+00:00`, as the AWS CLI's
 * `export-credentials` and the Python tool print an expiration (Python's `isoformat()`; its
 * `fromisoformat()` before 3.11 refuses `Z`).
 */
export function isoOffset(epochMs: number): string {
  return isoSeconds(epochMs).replace(/Z$/, "+00:00");
}
