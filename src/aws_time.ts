/**
 * Times as AWS tools write them in their files and output: formatting and parsing.
 *
 * @module
 */

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

/**
 * Parses the time formats AWS tools write: `2026-11-25T19:00:00Z`, `…+00:00`, fractional
 * seconds, and the old `2019-11-14T04:05:45UTC`.
 *
 * @param text the time
 * @returns epoch milliseconds, or `null` when it is not such a time
 * @example
 * ```ts
 * import { parseAwsTime } from "./aws_time.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseAwsTime("2019-11-14T04:05:45UTC"), Date.UTC(2019, 10, 14, 4, 5, 45));
 * ```
 */
export function parseAwsTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|UTC|[+-]\d{2}:?\d{2})$/i
    .exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
  let ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) +
    (frac ? Math.floor(Number(frac) * 1000) : 0);
  if (zone && /^[+-]/.test(zone)) {
    const digits = zone.replace(":", "");
    const offset = (+digits.slice(1, 3) * 60 + +digits.slice(3, 5)) * 60_000;
    ms -= zone.startsWith("+") ? offset : -offset;
  }
  return Number.isFinite(ms) ? ms : null;
}
