/**
 * End-to-end fixtures: snapshots of `~/.aws` to prove nothing changed, checks of what the CLI
 * printed, and of the identity STS reports.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type FakeAws, findIssuedSecrets } from "../../testing/mod.ts";
import { snapshot as snapshotBytes } from "../helpers.ts";
import type { CliResult } from "./_cli.ts";

/** The role most tests ask for: `ReadOnly` in the sample directory's account 111111111111. */
export const ROLE_ARN = "arn:aws:iam::111111111111:role/ReadOnly";

/** The start of the assumed-role ARN STS reports for a role of the fake. */
export function assumedRoleArnPrefix(accountId: string, roleName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/AWSReservedSSO_${roleName}_`;
}

/** Checks an identity returned by GetCallerIdentity: the account and the permission set. */
export function assertIdentity(
  identity: { Account?: unknown; Arn?: unknown },
  accountId: string,
  roleName: string,
  who = "client",
): void {
  assert.equal(identity.Account, accountId, `${who}: account`);
  assert.match(
    String(identity.Arn),
    new RegExp(`^${assumedRoleArnPrefix(accountId, roleName)}[0-9a-f]{16}/alice@example\\.com$`),
    `${who}: ARN`,
  );
}

/** Every file under `dir` (relative path → text), to compare before and after a run. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const decoder = new TextDecoder();
  return Object.fromEntries(
    [...await snapshotBytes(dir)].map(([path, bytes]) => [path, decoder.decode(bytes)]),
  );
}

/** A stack frame line, as V8 prints them. */
export const STACK_FRAME = /^\s+at /m;

/**
 * Checks a failed run: the exit code, nothing on stdout, and on stderr exactly one
 * `aws-sso: …` line matching `message`, then at most one `hint:` line, no stack trace and no
 * secret of the fake.
 */
export function assertCleanFailure(
  result: CliResult,
  code: number,
  message: RegExp,
  aws?: FakeAws,
): void {
  const context = `stdout: ${result.stdout}\nstderr: ${result.stderr}`;
  assert.equal(result.code, code, `exit code\n${context}`);
  assert.equal(result.stdout, "", `nothing on stdout\n${context}`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.match(lines[0]!, /^aws-sso: \S/, `first line\n${context}`);
  assert.match(lines[0]!, message, `message\n${context}`);
  assert.ok(lines.length <= 2, `one line and an optional hint\n${context}`);
  if (lines.length === 2) assert.match(lines[1]!, /^hint: \S/, `hint line\n${context}`);
  assert.doesNotMatch(result.stderr, STACK_FRAME, "no stack trace without --debug");
  if (aws) assertNoSecret(result.stdout + result.stderr, aws);
}

/** Fails if any secret the fake issued (tokens, client secrets, role secrets) is in `text`. */
export function assertNoSecret(
  text: string,
  aws: FakeAws,
  allow: Parameters<typeof findIssuedSecrets>[2] = {},
): void {
  const found = findIssuedSecrets(text, aws.issued, allow).map((f) => f.kind);
  assert.deepEqual(found, [], "no secret in the output");
}

/** How many requests the fake received, all operations together. */
export function requestCount(counters: FakeAws["counters"]): number {
  const sum = (value: unknown): number =>
    typeof value === "number"
      ? value
      : typeof value === "object" && value !== null
      ? Object.values(value).reduce((n: number, v) => n + sum(v), 0)
      : 0;
  const { throttled: _, faults: __, ...requests } = counters;
  return sum(requests);
}

/** `text` with the characters that are special in a regular expression escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
