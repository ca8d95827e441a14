/**
 * Names of the profiles that discovery writes, from a template such as `{account_id}-{role_name}`.
 *
 * @module
 */

/** The template the Python tool used, `ACCOUNTID-ROLENAME`. */
export const DEFAULT_PROFILE_TEMPLATE = "{account_id}-{role_name}";

/** What a discovered profile is named after. */
export interface ProfileNameFields {
  /** The 12-digit account id. */
  accountId: string;
  /** The account's name in the portal, if it has one. */
  accountName?: string;
  /** The permission set (portal role) name. */
  roleName: string;
}

const PLACEHOLDERS = ["account_id", "account_name", "role_name"] as const;
type Placeholder = typeof PLACEHOLDERS[number];

/**
 * Characters both SDKs read back unchanged in `[profile NAME]`: the JS SDK's section regex
 * `^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$` allows only these, and botocore's `shlex.split` treats none
 * of them specially.
 */
const DISALLOWED = /[^\w\-@+.%:/]+/g;

/**
 * The name of a discovered profile: `template` with `{account_id}`, `{account_name}` and
 * `{role_name}` filled in, made safe for both the AWS CLI / botocore and the JS SDK.
 *
 * Sanitising, of each value and then of the whole name: accents are dropped (`Produção` →
 * `Producao`); every run of other characters outside `A-Z a-z 0-9 _ - @ + . % : /` (spaces,
 * quotes, brackets, `#`, `;`, non-Latin letters, …) becomes one `-`; runs of `-` collapse to one;
 * `-` is trimmed from both ends. `{account_name}` falls back to the account id when the account
 * has no name or nothing of it is left. The JS SDK silently ignores a
 * `[profile NAME]` section whose name has any other character, so an unsanitised name would work
 * with the AWS CLI and be missing in Node.js programs. Case is kept.
 *
 * @param template the pattern, e.g. {@linkcode DEFAULT_PROFILE_TEMPLATE}
 * @param fields the account and role
 * @returns a name that `[profile NAME]` carries unchanged to both SDKs
 * @throws {TypeError} when the template has an unknown or unclosed placeholder, or the name would
 *   be empty, `default` (ambiguous with `[default]`) or `__proto__` (the JS SDK rejects the whole
 *   file)
 * @example
 * ```ts
 * import { DEFAULT_PROFILE_TEMPLATE, discoveredProfileName } from "./profile_name.ts";
 * import assert from "node:assert/strict";
 *
 * const role = { accountId: "123456789012", accountName: "Prod (EU)", roleName: "ReadOnly" };
 * assert.equal(discoveredProfileName(DEFAULT_PROFILE_TEMPLATE, role), "123456789012-ReadOnly");
 * assert.equal(discoveredProfileName("{account_name}/{role_name}", role), "Prod-EU/ReadOnly");
 * ```
 */
export function discoveredProfileName(template: string, fields: ProfileNameFields): string {
  const values: Record<Placeholder, string> = {
    account_id: sanitizeProfileName(fields.accountId),
    account_name: sanitizeProfileName(fields.accountName ?? "") ||
      sanitizeProfileName(fields.accountId),
    role_name: sanitizeProfileName(fields.roleName),
  };
  let raw = "";
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf("{");
    const close = rest.indexOf("}");
    if (close !== -1 && (open === -1 || close < open)) {
      throw new TypeError(`Invalid profile name template "${template}": "}" without "{"`);
    }
    if (open === -1) {
      raw += rest;
      break;
    }
    if (close === -1) {
      throw new TypeError(`Invalid profile name template "${template}": unclosed "{"`);
    }
    const name = rest.slice(open + 1, close);
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new TypeError(
        `Invalid profile name template "${template}": unknown placeholder "{${name}}", ` +
          "expected {account_id}, {account_name} or {role_name}",
      );
    }
    raw += rest.slice(0, open) + values[name as Placeholder];
    rest = rest.slice(close + 1);
  }
  const name = sanitizeProfileName(raw);
  if (name === "" || name === "default" || name === "__proto__") {
    throw new TypeError(
      `Invalid profile name template "${template}": it gives the profile name "${name}" ` +
        `for account ${fields.accountId} and role ${fields.roleName}`,
    );
  }
  return name;
}

/** Drops accents, turns runs of disallowed characters into `-`, collapses `-`, trims `-`. */
function sanitizeProfileName(raw: string): string {
  return raw
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(DISALLOWED, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
}
