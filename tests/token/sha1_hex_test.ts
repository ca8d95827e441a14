import assert from "node:assert/strict";
import { sha1Hex } from "../../src/token/sha1_hex.ts";
import { sha1 } from "./_fixtures.ts";

Deno.test("sha1Hex() gives the spec's cache keys", { permissions: "none" }, () => {
  assert.equal(sha1Hex("my-sso"), "0ad374308c5a4e22f723adf10145eafad7c4031c");
  assert.equal(
    sha1Hex(
      '{"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "my-sso", ' +
        '"startUrl": "https://d-abc.awsapps.com/start", "tool": "botocore"}',
    ),
    "deb8cc906c2b78450415f3bc940056d81e790b51",
  );
  assert.equal(sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
});

Deno.test("sha1Hex() equals Web Crypto's SHA-1 at every padding boundary and for any UTF-8", {
  permissions: "none",
}, async () => {
  // Lengths around the 55/56/64-byte block and padding boundaries, and multi-block inputs.
  for (let n = 0; n <= 200; n++) {
    const text = "x".repeat(n);
    assert.equal(sha1Hex(text), await sha1(text), `length ${n}`);
  }
  const samples = ["é", "Ω中😀", "\u0000\u007f\uffff", "https://d-abc.awsapps.com/start/café"];
  let seed = 7;
  for (let i = 0; i < 200; i++) {
    let s = "";
    const len = (seed = (seed * 1103515245 + 12345) >>> 0) % 90;
    for (let j = 0; j < len; j++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      s += String.fromCodePoint([0x41, 0xe9, 0x4e2d, 0x1f600][seed % 4]! + (seed >>> 28));
    }
    samples.push(s);
  }
  for (const text of samples) assert.equal(sha1Hex(text), await sha1(text), JSON.stringify(text));
});
