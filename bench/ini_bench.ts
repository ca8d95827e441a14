/**
 * Parsing a 10,000-profile config file (about 1 MB) must stay under 50 ms.
 *
 * @module
 */

import { IniDocument } from "../src/config/ini_document.ts";
import { getProfile, profileNames } from "../src/config/aws_files.ts";
import { makeBigConfig } from "../tests/testdata/ini/make_big_config.ts";

const text = makeBigConfig(10_000);
const parsed = IniDocument.parse(text, { kind: "config" });

Deno.bench({
  name: `IniDocument.parse() a 10,000-profile config (${(text.length / 1e6).toFixed(2)} MB)`,
  baseline: true,
  fn() {
    IniDocument.parse(text, { kind: "config" });
  },
});

Deno.bench({
  name: "IniDocument.parse() then profileNames() and getProfile() of every profile",
  fn() {
    const doc = IniDocument.parse(text, { kind: "config" });
    for (const name of profileNames(doc)) getProfile(doc, name);
  },
});

Deno.bench({
  name: "IniDocument.toString() of a 10,000-profile config",
  fn() {
    parsed.toString();
  },
});

Deno.bench({
  name: "IniDocument.set() of a new key in a 10,000-profile config",
  fn() {
    parsed.set("profile p5000-Admin", "region", "eu-west-1");
  },
});
