import assert from "node:assert/strict";
import {
  formatRoleArn,
  isAccountId,
  isPermissionSetName,
  parseRoleArn,
} from "../../src/portal/role_arn.ts";

const ACCT = "123456789012";

Deno.test({
  name: "parseRoleArn() keeps leading r, o, l, e letters",
  permissions: "none",
  async fn(t) {
    for (
      const name of ["reader", "ops", "legal", "Engineer", "role", "eel", "lore", "r", "e-ops"]
    ) {
      await t.step(name, () => {
        assert.equal(parseRoleArn(`arn:aws:iam::${ACCT}:role/${name}`).roleName, name);
      });
    }
  },
});

Deno.test({
  name: "parseRoleArn() reads the display form in every partition",
  permissions: "none",
  async fn(t) {
    for (const partition of ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-eusc"]) {
      await t.step(partition, () => {
        assert.deepEqual(parseRoleArn(`arn:${partition}:iam::${ACCT}:role/ReadOnly`), {
          partition,
          accountId: ACCT,
          roleName: "ReadOnly",
        });
      });
    }
  },
});

Deno.test({
  name: "parseRoleArn() reads the permission set out of a real Identity Center role ARN",
  permissions: "none",
  async fn(t) {
    const cases: [string, string][] = [
      [
        `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`,
        "AdministratorAccess",
      ],
      [
        `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_ReadOnly_fedcba9876543210`,
        "ReadOnly",
      ],
      [
        `arn:aws-us-gov:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/us-gov-west-1/AWSReservedSSO_Ops_0000000000000000`,
        "Ops",
      ],
      // A permission set name may contain "_"; only the last "_" + 16 hex is the suffix.
      [
        `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Read_Only_Dev_0123456789abcdef`,
        "Read_Only_Dev",
      ],
      [
        `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_x_0123456789abcdef_0123456789abcdef`,
        "x_0123456789abcdef",
      ],
      [
        `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_a+=,.@-_0123456789abcdef`,
        "a+=,.@-",
      ],
      // Without the path, as an assumed-role ARN shows the role name.
      [`arn:aws:iam::${ACCT}:role/AWSReservedSSO_PowerUser_0123456789abcdef`, "PowerUser"],
      // Surrounding whitespace from a copy and paste.
      [`  arn:aws:iam::${ACCT}:role/ReadOnly\n`, "ReadOnly"],
    ];
    for (const [arn, roleName] of cases) {
      await t.step(roleName, () => {
        assert.equal(parseRoleArn(arn).roleName, roleName);
        assert.equal(parseRoleArn(arn).accountId, ACCT);
      });
    }
  },
});

Deno.test({
  name: "parseRoleArn() refuses anything else with a TypeError quoting the ARN",
  permissions: "none",
  async fn(t) {
    const shape = /expected arn:aws:iam::ACCOUNT_ID:role\/ROLE_NAME/;
    const cases: [string, string, RegExp][] = [
      ["empty", "", shape],
      ["not an ARN", "ReadOnly", shape],
      ["no role name", `arn:aws:iam::${ACCT}:role/`, shape],
      ["user, not role", `arn:aws:iam::${ACCT}:user/alice`, shape],
      ["sts assumed-role", `arn:aws:sts::${ACCT}:assumed-role/ReadOnly/alice`, shape],
      ["other service", `arn:aws:s3:::${ACCT}:role/x`, shape],
      ["region in an IAM ARN", `arn:aws:iam:us-east-1:${ACCT}:role/x`, shape],
      ["unknown partition", `arn:azure:iam::${ACCT}:role/x`, shape],
      ["upper-case partition", `arn:AWS:iam::${ACCT}:role/x`, shape],
      ["short account", "arn:aws:iam::12345:role/ReadOnly", /account id must be 12 digits/],
      ["letters in account", "arn:aws:iam::12345678901a:role/ReadOnly", /12 digits/],
      ["no account", "arn:aws:iam:::role/ReadOnly", /12 digits/],
      ["other path", `arn:aws:iam::${ACCT}:role/service-role/ReadOnly`, shape],
      [
        "SSO path, plain name",
        `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/ReadOnly`,
        shape,
      ],
      [
        "SSO path, suffix too short",
        `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123`,
        shape,
      ],
      ["space in name", `arn:aws:iam::${ACCT}:role/Read Only`, /permission set name/],
      ["name over 32 characters", `arn:aws:iam::${ACCT}:role/${"a".repeat(33)}`, /1 to 32/],
      ["quote in name", `arn:aws:iam::${ACCT}:role/a"b`, /permission set name/],
    ];
    for (const [name, arn, message] of cases) {
      await t.step(name, () => {
        assert.throws(() => parseRoleArn(arn), (err: unknown) => {
          assert.ok(err instanceof TypeError);
          assert.ok(
            err.message.startsWith(`Invalid role ARN ${JSON.stringify(arn)}: `),
            err.message,
          );
          assert.match(err.message, message);
          return true;
        });
      });
    }
  },
});

Deno.test({
  name: "parseRoleArn() accepts a 32-character permission set name",
  permissions: "none",
  fn() {
    assert.equal(parseRoleArn(`arn:aws:iam::${ACCT}:role/${"a".repeat(32)}`).roleName.length, 32);
  },
});

Deno.test({
  name: "formatRoleArn() writes the display form that parseRoleArn() reads back",
  permissions: "none",
  async fn(t) {
    for (
      const [partition, roleName] of [["aws", "reader"], ["aws-cn", "Ops"], ["aws-us-gov", "a_b"]]
    ) {
      await t.step(`${partition} ${roleName}`, () => {
        const arn = formatRoleArn(partition!, ACCT, roleName!);
        assert.equal(arn, `arn:${partition}:iam::${ACCT}:role/${roleName}`);
        assert.deepEqual(parseRoleArn(arn), { partition, accountId: ACCT, roleName });
      });
    }
  },
});

Deno.test({
  name: "formatRoleArn() refuses a bad partition, account id or role name",
  permissions: "none",
  fn() {
    assert.throws(() => formatRoleArn("azure", ACCT, "x"), TypeError);
    assert.throws(
      () => formatRoleArn("aws", "123", "x"),
      /Invalid account id "123": expected 12 digits/,
    );
    assert.throws(() => formatRoleArn("aws", ACCT, "a b"), /Invalid role name "a b"/);
  },
});

Deno.test({
  name: "isAccountId() wants exactly 12 ASCII digits",
  permissions: "none",
  fn() {
    assert.equal(isAccountId("000000000000"), true);
    for (
      const bad of [
        "",
        "12345678901",
        "1234567890123",
        "12345678901a",
        " 123456789012",
        "١٢٣٤٥٦٧٨٩٠١٢",
      ]
    ) {
      assert.equal(isAccountId(bad), false, bad);
    }
  },
});

Deno.test({
  name: "isPermissionSetName() follows the Identity Center name rule",
  permissions: "none",
  fn() {
    for (const good of ["A", "AdministratorAccess", "a+=,.@_-", "x".repeat(32)]) {
      assert.equal(isPermissionSetName(good), true, good);
    }
    for (const bad of ["", "x".repeat(33), "a b", "a/b", "ä", "a:b"]) {
      assert.equal(isPermissionSetName(bad), false, bad);
    }
  },
});
