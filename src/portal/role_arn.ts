/**
 * Role ARNs as users write them for aws-sso (spec §8): the display form
 * `arn:aws:iam::ACCOUNT_ID:role/PERMISSION_SET` that the Python tool's `-r` flag took, and the real
 * ARN of the role Identity Center creates in the account,
 * `arn:aws:iam::ACCOUNT_ID:role/aws-reserved/sso.amazonaws.com/[REGION/]AWSReservedSSO_{PermissionSet}_{16 hex}`.
 * Both name the same thing: an account and a permission set (the portal's role name).
 *
 * @module
 */

/** An account and a permission set, read from a role ARN. */
export interface RoleArnParts {
  /** The ARN partition: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, … */
  partition: string;
  /** The 12-digit account id. */
  accountId: string;
  /** The permission set name, which is the role name the SSO portal knows. */
  roleName: string;
}

const EXPECTED = "expected arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME";
/** `arn:PARTITION:iam::ACCOUNT:role/RESOURCE`; the account is checked separately for a clear message. */
const ARN = /^arn:(aws(?:-[a-z0-9]+)*):iam::([^:]*):role\/(.+)$/;
/** The IAM paths Identity Center puts its roles under, with or without a region segment. */
const SSO_PATH = /^aws-reserved\/sso\.amazonaws\.com\/(?:[a-z]{2,}(?:-[a-z0-9]+)+-\d+\/)?$/;
/** `AWSReservedSSO_{PermissionSet}_{16 hex}`; the permission set may contain `_` itself. */
const RESERVED_NAME = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/;
/** A permission set name (IAM Identity Center `PermissionSet.Name`). */
const PERMISSION_SET = /^[\w+=,.@-]{1,32}$/;

/**
 * Whether `value` is an AWS account id: exactly 12 ASCII digits.
 *
 * @param value the text to check
 * @returns `true` for `"123456789012"`, `false` for `"12345"` or `"12345678901a"`
 * @example
 * ```ts
 * import { isAccountId } from "./role_arn.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isAccountId("123456789012"), true);
 * assert.equal(isAccountId("1234-5678-9012"), false);
 * ```
 */
export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}

/**
 * Whether `value` can be a permission set name: 1 to 32 of `A-Z a-z 0-9 + = , . @ _ -`.
 *
 * @param value the text to check
 * @returns whether the portal could know a role by this name
 * @example
 * ```ts
 * import { isPermissionSetName } from "./role_arn.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isPermissionSetName("AdministratorAccess"), true);
 * assert.equal(isPermissionSetName("has space"), false);
 * ```
 */
export function isPermissionSetName(value: string): boolean {
  return PERMISSION_SET.test(value);
}

/**
 * Reads the partition, account id and permission set name out of a role ARN.
 *
 * Accepted, in any partition (`aws`, `aws-cn`, `aws-us-gov`, …):
 * - `arn:aws:iam::123456789012:role/NAME`, the display form, where NAME is the permission set
 *   name, kept character for character (the Python tool's `lstrip("role/")` turned `role/reader`
 *   into `ader`);
 * - the real role ARN,
 *   `arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/[REGION/]AWSReservedSSO_NAME_0123456789abcdef`,
 *   whose permission set name is what lies between `AWSReservedSSO_` and the final `_` plus 16 hex
 *   digits (NAME may contain `_` itself);
 * - `…:role/AWSReservedSSO_NAME_0123456789abcdef` without the path, as it appears in an assumed-role
 *   ARN. It cannot be a permission set name itself, which has at most 32 characters.
 *
 * @param arn the ARN as the user typed it (surrounding whitespace is ignored)
 * @returns the partition, account id and permission set name
 * @throws {TypeError} when `arn` is not a role ARN of that shape, the account id is not 12 digits,
 *   or the name cannot be a permission set name; the message quotes `arn`, which holds no secret
 * @example
 * ```ts
 * import { parseRoleArn } from "@ssokit/aws-sso";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseRoleArn("arn:aws:iam::123456789012:role/reader"), {
 *   partition: "aws",
 *   accountId: "123456789012",
 *   roleName: "reader",
 * });
 * assert.equal(
 *   parseRoleArn(
 *     "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-central-1/" +
 *       "AWSReservedSSO_Read_Only_0123456789abcdef",
 *   ).roleName,
 *   "Read_Only",
 * );
 * ```
 */
export function parseRoleArn(arn: string): RoleArnParts {
  const text = arn.trim();
  const m = ARN.exec(text);
  if (!m) throw invalid(arn, EXPECTED);
  const [, partition, accountId, resource] = m as unknown as [string, string, string, string];
  if (!isAccountId(accountId)) throw invalid(arn, "the account id must be 12 digits");
  const slash = resource.lastIndexOf("/");
  const path = resource.slice(0, slash + 1);
  const name = resource.slice(slash + 1);
  const reserved = RESERVED_NAME.exec(name);
  let roleName: string;
  if (path === "") {
    roleName = reserved ? reserved[1]! : name;
  } else if (SSO_PATH.test(path) && reserved) {
    roleName = reserved[1]!;
  } else {
    throw invalid(arn, `${EXPECTED} (a role that IAM Identity Center manages)`);
  }
  if (!isPermissionSetName(roleName)) {
    throw invalid(
      arn,
      "the role name must be a permission set name: 1 to 32 of A-Z a-z 0-9 + = , . @ _ -",
    );
  }
  return { partition, accountId, roleName };
}

/**
 * The display form of a role ARN, `arn:PARTITION:iam::ACCOUNT_ID:role/ROLE_NAME`, which
 * {@linkcode parseRoleArn} reads back. It is not the ARN of the IAM role itself (that one has the
 * `AWSReservedSSO_` path and suffix); it is what the Python tool's `-r` flag took.
 *
 * @param partition the partition, e.g. `aws` (`aws-cn` for `cn-` regions, `aws-us-gov` for `us-gov-` ones)
 * @param accountId the 12-digit account id
 * @param roleName the permission set name
 * @returns the ARN
 * @throws {TypeError} when the partition is not `aws` or `aws-…`, the account id is not 12 digits,
 *   or the role name cannot be a permission set name
 * @example
 * ```ts
 * import { formatRoleArn } from "@ssokit/aws-sso";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   formatRoleArn("aws-us-gov", "123456789012", "ReadOnly"),
 *   "arn:aws-us-gov:iam::123456789012:role/ReadOnly",
 * );
 * ```
 */
export function formatRoleArn(partition: string, accountId: string, roleName: string): string {
  if (!/^aws(?:-[a-z0-9]+)*$/.test(partition)) {
    throw new TypeError(`Invalid partition "${partition}": expected aws, aws-cn, aws-us-gov, …`);
  }
  if (!isAccountId(accountId)) {
    throw new TypeError(`Invalid account id ${JSON.stringify(accountId)}: expected 12 digits`);
  }
  if (!isPermissionSetName(roleName)) {
    throw new TypeError(
      `Invalid role name ${JSON.stringify(roleName)}: ` +
        "expected 1 to 32 of A-Z a-z 0-9 + = , . @ _ -",
    );
  }
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** The TypeError for an ARN that cannot be read, quoting it (JSON escapes control characters). */
function invalid(arn: string, why: string): TypeError {
  const shown = arn.length > 300 ? `${arn.slice(0, 300)}…` : arn;
  return new TypeError(`Invalid role ARN ${JSON.stringify(shown)}: ${why}`);
}
