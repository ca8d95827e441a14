import assert from "node:assert/strict";
import { SsoError } from "../../src/errors.ts";
import { portalError } from "../../src/portal/portal_errors.ts";

/** An error as the SDK throws it for an answer with `status` and no recognised error type. */
function unnamed(status: number): Error {
  return Object.assign(new Error("Rate exceeded"), {
    name: "Unknown",
    $fault: "client",
    $metadata: { httpStatusCode: status },
  });
}

Deno.test("portalError() reads a 429 as throttling even without an error type", () => {
  const err = portalError(unnamed(429), "List accounts");
  assert.ok(err instanceof SsoError);
  assert.equal(err.code, "THROTTLED");
  assert.equal(err.message, "List accounts: the SSO portal kept throttling requests");
});

Deno.test("portalError() tells a service failure (5xx) from a network failure", () => {
  assert.equal(portalError(unnamed(503), "x").code, "SERVICE_ERROR");
  assert.match(portalError(unnamed(503), "x").hint ?? "", /service answered with an error/);
  const network = portalError(new TypeError("error sending request"), "x");
  assert.equal(network.code, "NETWORK_ERROR");
  assert.match(network.hint ?? "", /network, proxy/);
});

Deno.test("portalError() does not blame the network for an answer the service refused", () => {
  const refused = (name: string, status: number) =>
    Object.assign(new Error("no"), {
      name,
      $fault: "client",
      $metadata: { httpStatusCode: status },
    });
  const denied = portalError(refused("AccessDeniedException", 403), "List roles");
  assert.equal(denied.code, "ACCESS_DENIED");
  assert.match(denied.message, /^List roles: not granted to you \(AccessDeniedException\)$/);
  const invalid = portalError(refused("InvalidRequestException", 400), "Get credentials");
  assert.equal(invalid.code, "SERVICE_ERROR");
  assert.match(invalid.message, /InvalidRequestException: no/);
  assert.doesNotMatch(invalid.hint ?? "", /network|proxy/);
  assert.match(invalid.hint ?? "", /--debug/);
});
