/**
 * Whether a `credential_process` line someone else wrote gets a given role through aws-sso: the
 * lines the Python `aws_sso`'s discovery wrote (`python3 -m aws_sso -p SSO_PROFILE -r ROLEARN
 * -ext`, with no marker), which discovery may take over.
 *
 * @module
 */

import { shlexSplit } from "../config/ini_document.ts";
import { parseRoleArn } from "../portal/role_arn.ts";
import { type Flags, parseFlags } from "./parse_flags.ts";

/**
 * The arguments that aws-sso itself gets from a command line, and whether it is the Python tool:
 * after `aws-sso` (or `aws_sso`, any folder, `.exe` on Windows) or `python… -m aws_sso`, also run
 * through `env`; `undefined` when the line runs another program (a wrapper script, or a
 * `deno run` line, which only aws-sso's own discovery writes, marked).
 */
function awsSsoArgs(
  words: string[],
): { args: string[]; python: boolean; settings: boolean } | undefined {
  const name = (word: string | undefined) => (word ?? "").split(/[/\\]/).pop()!.toLowerCase();
  if (name(words[0]) === "env") {
    // `/usr/bin/env [-i] [-u NAME] [NAME=value …] [--] program …`: with settings of its own, the
    // line runs the program differently (another config file, a CA bundle).
    let i = 1;
    let settings = false;
    for (; i < words.length; i++) {
      const w = words[i]!;
      if (w === "--") {
        i++;
        break;
      }
      if (w === "-u" || w === "--unset") i++;
      else if (!w.startsWith("-") && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) break;
      settings = true;
    }
    const inner = awsSsoArgs(words.slice(i));
    return inner && { ...inner, settings: inner.settings || settings };
  }
  const program = name(words[0]);
  if (/^aws[-_]sso(\.exe)?$/.test(program)) {
    return { args: words.slice(1), python: false, settings: false };
  }
  if (/^python[\d.]*(\.exe)?$/.test(program) && words[1] === "-m" && words[2] === "aws_sso") {
    return { args: words.slice(3), python: true, settings: false };
  }
  return undefined;
}

/**
 * Whether `line` runs aws-sso (or the Python `aws_sso`) with `-p ssoProfile` for exactly `role`
 * (`-r` with either form of its ARN, or `--account` and `--role`).
 *
 * @param line a `credential_process` value
 * @param ssoProfile the SSO profile's name
 * @param role the account and role
 * @returns `true` if it does
 */
export function runsAwsSsoFor(
  line: string,
  ssoProfile: string,
  role: { accountId: string; roleName: string },
): boolean {
  const words = shlexSplit(line);
  const run = words && awsSsoArgs(words);
  if (!run || run.settings) return false;
  const args = run.args;
  // Read as the CLI reads them (abbreviations, the last -p wins); a line it would refuse is not ours.
  let flags: Flags;
  try {
    flags = parseFlags(args);
  } catch {
    return false;
  }
  if (flags.profile !== ssoProfile) return false;
  if (flags.roleArn === undefined) {
    return flags.account === role.accountId && flags.role === role.roleName;
  }
  try {
    const parsed = parseRoleArn(flags.roleArn);
    return parsed.accountId === role.accountId && parsed.roleName === role.roleName;
  } catch {
    return false;
  }
}

/**
 * Whether `line` runs the Python `aws_sso` (`python… -m aws_sso`, also through `env`), which
 * stops working once that tool is uninstalled.
 *
 * @param line a `credential_process` value
 * @returns whether it does
 */
export function runsPythonAwsSso(line: string): boolean {
  const words = shlexSplit(line);
  return !!words && awsSsoArgs(words)?.python === true;
}
