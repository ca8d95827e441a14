import assert from "node:assert/strict";
import { qrCode } from "../../src/token/qr_code.ts";

Deno.test("qrCode() draws a square of half blocks, larger for longer URLs", async () => {
  const short = (await qrCode("https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH"))
    .split("\n");
  const long = (await qrCode(`https://example.com/?x=${"a".repeat(200)}`)).split("\n");
  for (const lines of [short, long]) {
    const width = [...lines[0]!].length;
    assert.ok(lines.every((l) => [...l].length === width));
    assert.ok(lines.every((l) => /^[ █▀▄]+$/.test(l)));
    // Two modules a character vertically: about half as many lines as columns.
    assert.ok(Math.abs(lines.length - Math.ceil(width / 2)) <= 1);
  }
  assert.ok([...long[0]!].length > [...short[0]!].length);
});
