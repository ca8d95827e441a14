import assert from "node:assert/strict";
import { generateDirectory, sampleDirectory } from "../../testing/mod.ts";

Deno.test("sampleDirectory() has alice with three accounts of one to three roles", {
  permissions: "none",
}, () => {
  const directory = sampleDirectory();
  assert.equal(directory.userName, "alice@example.com");
  assert.deepEqual(directory.accounts.map((a) => a.accountId), [
    "111111111111",
    "222222222222",
    "333333333333",
  ]);
  for (const account of directory.accounts) {
    assert.ok(account.accountName && account.emailAddress.endsWith("@example.com"));
    assert.ok(account.roles.length >= 1 && account.roles.length <= 3);
  }
  directory.accounts.length = 0;
  assert.equal(sampleDirectory().accounts.length, 3, "each call returns a fresh copy");
});

Deno.test("generateDirectory() makes 1,000 × 3 quickly with distinct 12-digit ids", {
  permissions: "none",
}, () => {
  const started = performance.now();
  const directory = generateDirectory(1000, 3);
  assert.ok(performance.now() - started < 200);
  const ids = directory.accounts.map((a) => a.accountId);
  assert.equal(new Set(ids).size, 1000);
  assert.ok(ids.every((id) => /^\d{12}$/.test(id)));
  assert.deepEqual(directory.accounts[0], {
    accountId: "100000000000",
    accountName: "account-0001",
    emailAddress: "aws-0001@example.com",
    roles: ["AdministratorAccess", "ReadOnly", "Developer"],
  });
});

Deno.test("generateDirectory() names roles past the built-in list Role9, Role10, …", {
  permissions: "none",
}, () => {
  const roles = generateDirectory(1, 10).accounts[0]?.roles;
  assert.equal(roles?.length, 10);
  assert.deepEqual(roles?.slice(8), ["Role9", "Role10"]);
  assert.equal(generateDirectory(0, 0, { userName: "bob" }).userName, "bob");
});

Deno.test(
  "generateDirectory() rejects negative or fractional counts",
  { permissions: "none" },
  () => {
    for (const [a, r] of [[-1, 1], [1, -1], [1.5, 1], [1, Number.NaN]]) {
      assert.throws(() => generateDirectory(a!, r!), TypeError);
    }
  },
);
