import assert from "node:assert/strict";
import { findIssuedSecrets, type IssuedSecrets } from "../../testing/mod.ts";

const ISSUED: IssuedSecrets = {
  accessTokens: ["aoaAAA"],
  refreshTokens: ["aorBBB"],
  clientSecrets: ["csCCC"],
  secretAccessKeys: ["SECRETDDD"],
  sessionTokens: ["IQoJEEE"],
  deviceCodes: ["devFFF"],
  authorizationCodes: ["codeGGG"],
  codeVerifiers: ["verifierHHH"],
};

Deno.test("findIssuedSecrets() finds every kind of secret in text", { permissions: "none" }, () => {
  const text = Object.values(ISSUED).flat().join("\n");
  assert.deepEqual(
    findIssuedSecrets(text, ISSUED).map((f) => f.kind),
    Object.keys(ISSUED),
  );
  assert.deepEqual(findIssuedSecrets("nothing to see", ISSUED), []);
});

Deno.test("findIssuedSecrets() skips the allowed kinds", { permissions: "none" }, () => {
  const text = '{"SecretAccessKey":"SECRETDDD","SessionToken":"IQoJEEE"} aorBBB';
  assert.deepEqual(
    findIssuedSecrets(text, ISSUED, { allow: ["secretAccessKeys", "sessionTokens"] }),
    [{ kind: "refreshTokens", value: "aorBBB" }],
  );
});
