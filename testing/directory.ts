/**
 * The accounts and roles (permission sets) the fake AWS grants to its one user.
 *
 * @module
 */

/** An AWS account the user is assigned to, with the permission sets granted in it. */
export interface FakeAccount {
  /** The 12-digit account id. */
  accountId: string;
  /** The account name shown by ListAccounts. */
  accountName: string;
  /** The account's root email address shown by ListAccounts. */
  emailAddress: string;
  /** The permission set names granted to the user in this account, in listing order. */
  roles: string[];
}

/** The Identity Center user and what it can reach. */
export interface FakeDirectory {
  /** The Identity Center user name; the session name in assumed-role ARNs. */
  userName: string;
  /** The assigned accounts, in listing order. */
  accounts: FakeAccount[];
}

/** The user of the sample and generated directories. */
const DEFAULT_USER = "alice@example.com";

/** Permission set names used by {@linkcode generateDirectory}, in turn. */
const ROLE_NAMES = [
  "AdministratorAccess",
  "ReadOnly",
  "Developer",
  "PowerUserAccess",
  "Billing",
  "SecurityAudit",
  "ViewOnlyAccess",
  "DatabaseAdmin",
];

/**
 * The default directory: user `alice@example.com` with three accounts and one to three roles
 * each.
 *
 * @returns A fresh copy the caller may change.
 *
 * @example Three accounts
 * ```ts
 * import { sampleDirectory } from "@ssokit/aws-sso/testing";
 *
 * const directory = sampleDirectory();
 * console.assert(directory.accounts.length === 3);
 * console.assert(directory.userName === "alice@example.com");
 * ```
 */
export function sampleDirectory(): FakeDirectory {
  return {
    userName: DEFAULT_USER,
    accounts: [
      {
        accountId: "111111111111",
        accountName: "Production",
        emailAddress: "aws-prod@example.com",
        roles: ["AdministratorAccess", "ReadOnly"],
      },
      {
        accountId: "222222222222",
        accountName: "Staging",
        emailAddress: "aws-staging@example.com",
        roles: ["AdministratorAccess", "Developer", "ReadOnly"],
      },
      {
        accountId: "333333333333",
        accountName: "Sandbox",
        emailAddress: "aws-sandbox@example.com",
        roles: ["Developer"],
      },
    ],
  };
}

/** Options of {@linkcode generateDirectory}. */
export interface GenerateDirectoryOptions {
  /** The Identity Center user name. Default `alice@example.com`. */
  userName?: string;
}

/**
 * A directory of `accounts` accounts with `rolesPerAccount` roles each, for pagination and
 * throttling tests. Account ids are `100000000000` upward, names `account-0001` upward; roles are
 * `AdministratorAccess`, `ReadOnly`, `Developer`, … then `Role9`, `Role10`, ….
 *
 * @param accounts How many accounts (0 or more).
 * @param rolesPerAccount How many roles in each account (0 or more).
 * @param options The user name.
 * @returns The directory.
 * @throws {TypeError} If a count is negative or not an integer.
 *
 * @example 1,000 accounts with 3 roles each
 * ```ts
 * import { generateDirectory } from "@ssokit/aws-sso/testing";
 *
 * const directory = generateDirectory(1000, 3);
 * console.assert(directory.accounts.length === 1000);
 * console.assert(directory.accounts[999]?.accountId === "100000000999");
 * console.assert(directory.accounts[0]?.roles.join() === "AdministratorAccess,ReadOnly,Developer");
 * ```
 */
export function generateDirectory(
  accounts: number,
  rolesPerAccount: number,
  options: GenerateDirectoryOptions = {},
): FakeDirectory {
  for (const [name, value] of [["accounts", accounts], ["rolesPerAccount", rolesPerAccount]]) {
    if (!Number.isInteger(value) || (value as number) < 0) {
      throw new TypeError(`Cannot generate directory: ${name} must be an integer >= 0`);
    }
  }
  const roles = Array.from({ length: rolesPerAccount }, (_, i) => ROLE_NAMES[i] ?? `Role${i + 1}`);
  return {
    userName: options.userName ?? DEFAULT_USER,
    accounts: Array.from({ length: accounts }, (_, i) => {
      const n = String(i + 1).padStart(4, "0");
      return {
        accountId: String(100_000_000_000 + i),
        accountName: `account-${n}`,
        emailAddress: `aws-${n}@example.com`,
        roles: [...roles],
      };
    }),
  };
}
