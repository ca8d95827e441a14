/**
 * A small unified-style line diff for `--dry-run`.
 *
 * @module
 */

/**
 * The lines that differ between two texts: ` ` context, `-` removed, `+` added, hunks of changes
 * with up to `context` lines around them. Uses the longest common subsequence of the part that
 * differs (after trimming the common start and end), which stays small for discovery's edits.
 *
 * @param before the old text
 * @param after the new text
 * @param context lines of context around each change (default 2)
 * @returns the diff, or `""` when the texts are equal
 */
export function lineDiff(before: string, after: string, context = 2): string {
  if (before === after) return "";
  const a = before.split(/(?<=\n)/);
  const b = after.split(/(?<=\n)/);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const ops: [" " | "-" | "+", string][] = [];
  for (let i = Math.max(0, start - context); i < start; i++) ops.push([" ", a[i]!]);
  if (midA.length * midB.length > 4_000_000) {
    for (const l of midA) ops.push(["-", l]);
    for (const l of midB) ops.push(["+", l]);
  } else {
    // LCS table from the end, then walk forward.
    const n = midA.length;
    const m = midB.length;
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i]![j] = midA[i] === midB[j]
          ? lcs[i + 1]![j + 1]! + 1
          : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        ops.push([" ", midA[i++]!]);
        j++;
      } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
        ops.push(["+", midB[j++]!]);
      } else {
        ops.push(["-", midA[i++]!]);
      }
    }
  }
  for (let i = endA; i < Math.min(a.length, endA + context); i++) ops.push([" ", a[i]!]);
  // Keep only context lines near a change.
  const near = ops.map((_, k) =>
    ops.slice(Math.max(0, k - context), k + context + 1).some(([t]) => t !== " ")
  );
  let out = "";
  let skipped = false;
  ops.forEach(([t, line], k) => {
    if (!near[k]) {
      skipped = true;
      return;
    }
    if (skipped) out += "@@\n";
    skipped = false;
    out += `${t}${line.replace(/\r?\n$/, "")}\n`;
  });
  return out;
}
