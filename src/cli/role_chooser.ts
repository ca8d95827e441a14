/**
 * The interactive account and role chooser: type to filter, arrow keys to move, Enter to pick,
 * recent choices first. Drawn on stderr, so stdout stays clean for `eval "$(aws-sso … -env)"`.
 *
 * @module
 */

import { SsoError } from "../errors.ts";
import type { DiscoveredRole } from "../portal/discover.ts";
import { printable } from "../printable.ts";
import type { Runtime } from "../runtime.ts";

/** What the chooser shows and where the cursor is. */
export interface ChooserState {
  items: DiscoveredRole[];
  query: string;
  /** Index into the filtered list. */
  cursor: number;
  /** Set when the user picked or cancelled. */
  done?: "picked" | "cancelled";
}

/** A key the chooser understands. */
export type ChooserKey =
  | { kind: "char"; char: string }
  | { kind: "backspace" | "up" | "down" | "enter" | "cancel" | "pageup" | "pagedown" };

/** The key of a role, for the recent list: `ACCOUNT_ID/ROLE_NAME`. */
export function roleKey(r: { accountId: string; roleName: string }): string {
  return `${r.accountId}/${r.roleName}`;
}

/**
 * Orders roles with the recent ones first (most recent first), the rest by account name, id and
 * role.
 *
 * @param items the roles
 * @param recent role keys, most recent first
 * @returns a new, ordered list
 */
export function orderRoles(items: DiscoveredRole[], recent: string[]): DiscoveredRole[] {
  const rank = new Map(recent.map((k, i) => [k, i]));
  return [...items].sort((a, b) => {
    const ra = rank.get(roleKey(a)) ?? Infinity;
    const rb = rank.get(roleKey(b)) ?? Infinity;
    if (ra !== rb) return ra - rb;
    return (a.accountName ?? "").localeCompare(b.accountName ?? "") ||
      a.accountId.localeCompare(b.accountId) || a.roleName.localeCompare(b.roleName);
  });
}

/** The roles matching the query: every word is found in the account id, name or role name. */
export function filterRoles(items: DiscoveredRole[], query: string): DiscoveredRole[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== "");
  return items.filter((r) => {
    const text = `${r.accountId} ${r.accountName ?? ""} ${r.roleName}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** Splits terminal input into keys. */
export function parseKeys(bytes: Uint8Array): ChooserKey[] {
  const text = new TextDecoder().decode(bytes);
  const keys: ChooserKey[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const seq = text.slice(i, i + 4);
    if (seq.startsWith("\x1b[A") || seq.startsWith("\x1bOA")) {
      keys.push({ kind: "up" });
      i += 2;
    } else if (seq.startsWith("\x1b[B") || seq.startsWith("\x1bOB")) {
      keys.push({ kind: "down" });
      i += 2;
    } else if (seq.startsWith("\x1b[5~")) {
      keys.push({ kind: "pageup" });
      i += 3;
    } else if (seq.startsWith("\x1b[6~")) {
      keys.push({ kind: "pagedown" });
      i += 3;
    } else if (seq.startsWith("\x1b[")) {
      // Another escape sequence (left, right, …): skip its letters.
      i += 2;
      while (i < text.length && !/[A-Za-z~]/.test(text[i]!)) i++;
    } else if (c === "\r" || c === "\n") keys.push({ kind: "enter" });
    else if (c === "\x7f" || c === "\b") keys.push({ kind: "backspace" });
    else if (c === "\x03" || c === "\x1b" || c === "\x04") keys.push({ kind: "cancel" });
    else if (c === "\x10") keys.push({ kind: "up" });
    else if (c === "\x0e") keys.push({ kind: "down" });
    else if (c >= " ") keys.push({ kind: "char", char: c });
  }
  return keys;
}

/**
 * The next state after a key.
 *
 * @param state the current state
 * @param key the key
 * @param pageSize rows shown at once
 * @returns the new state
 */
export function chooserStep(state: ChooserState, key: ChooserKey, pageSize = 10): ChooserState {
  const count = filterRoles(state.items, state.query).length;
  const clamp = (n: number) => Math.max(0, Math.min(n, count - 1));
  switch (key.kind) {
    case "char":
      return { ...state, query: state.query + key.char, cursor: 0 };
    case "backspace":
      return { ...state, query: [...state.query].slice(0, -1).join(""), cursor: 0 };
    case "up":
      return { ...state, cursor: clamp(state.cursor - 1) };
    case "down":
      return { ...state, cursor: clamp(state.cursor + 1) };
    case "pageup":
      return { ...state, cursor: clamp(state.cursor - pageSize) };
    case "pagedown":
      return { ...state, cursor: clamp(state.cursor + pageSize) };
    case "enter":
      return count > 0 ? { ...state, done: "picked" } : state;
    case "cancel":
      return { ...state, done: "cancelled" };
  }
}

/** The picked role of a finished state. */
export function pickedRole(state: ChooserState): DiscoveredRole | undefined {
  return state.done === "picked" ? filterRoles(state.items, state.query)[state.cursor] : undefined;
}

/**
 * Draws the chooser: a prompt line and up to `rows` matching roles around the cursor.
 *
 * @param state what to draw
 * @param rows how many roles to show
 * @param columns the terminal width
 * @returns the lines, without escape codes for moving the cursor
 */
export function renderChooser(state: ChooserState, rows: number, columns: number): string[] {
  const matches = filterRoles(state.items, state.query);
  const start = Math.max(0, Math.min(state.cursor - Math.floor(rows / 2), matches.length - rows));
  const idWidth = 12;
  const names = matches.map((r) => printable(r.accountName ?? ""));
  const nameWidth = Math.min(30, Math.max(4, ...names.map((n) => n.length)));
  // No line may wrap: the redraw moves up one row per line. A long filter shows its end.
  const head = `Choose a role (${matches.length}/${state.items.length}), type to filter: `;
  const room = columns - 1 - head.length;
  const query = state.query.length <= room || room < 2
    ? state.query
    : `…${state.query.slice(-(room - 1))}`;
  const lines = [`${head}${query}`.slice(0, columns - 1)];
  for (let i = start; i < Math.min(matches.length, start + rows); i++) {
    const r = matches[i]!;
    const mark = i === state.cursor ? ">" : " ";
    const name = names[i]!.slice(0, nameWidth).padEnd(nameWidth);
    lines.push(
      `${mark} ${name}  ${r.accountId.padEnd(idWidth)}  ${r.roleName}`.slice(0, columns - 1),
    );
  }
  if (matches.length === 0) lines.push("  (no match)");
  return lines;
}

/**
 * Lets the user choose a role on the terminal.
 *
 * @param runtime terminal and stderr
 * @param items the roles, already ordered
 * @returns the chosen role
 * @throws {SsoError} `NO_TERMINAL` when stdin or stderr is not a terminal, `CANCELLED` when cancelled
 */
export async function chooseRole(
  runtime: Runtime,
  items: DiscoveredRole[],
): Promise<DiscoveredRole> {
  if (!runtime.terminal.isTerminal || !runtime.stderr.isTerminal) {
    throw new SsoError("NO_TERMINAL", "No role given, and no terminal to choose one on", {
      hint: "add -r ROLE_ARN (or --account ID --role NAME); --list shows what you can use",
    });
  }
  if (items.length === 0) {
    throw new SsoError(
      "NOT_FOUND",
      "No account or role is assigned to you in IAM Identity Center",
      {
        hint: "ask your administrator to assign you a permission set",
      },
    );
  }
  let state: ChooserState = { items, query: "", cursor: 0 };
  const { rows: termRows, columns } = runtime.terminal.size();
  const rows = Math.max(3, Math.min(15, termRows - 3));
  let drawn = 0;
  const draw = () => {
    const lines = renderChooser(state, rows, columns);
    const up = drawn > 1 ? `\x1b[${drawn - 1}F` : "\r";
    runtime.stderr.write(`${up}\x1b[J${lines.join("\n")}`);
    drawn = lines.length;
  };
  runtime.terminal.setRaw(true);
  try {
    draw();
    for await (const chunk of runtime.terminal.read()) {
      for (const key of parseKeys(chunk)) {
        state = chooserStep(state, key, rows);
        if (state.done) break;
      }
      draw();
      if (state.done) break;
    }
  } finally {
    runtime.terminal.setRaw(false);
    runtime.stderr.write("\n");
  }
  const picked = pickedRole(state);
  if (!picked) throw new SsoError("CANCELLED", "No role chosen");
  return picked;
}
