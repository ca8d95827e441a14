import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startFakeAws } from "../../testing/mod.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** JS SDK clients built without `endpoint`: only the environment points them at the fake. */
const SCRIPT = `
import { GetRoleCredentialsCommand, ListAccountsCommand, SSOClient } from "@aws-sdk/client-sso";
import { RegisterClientCommand, SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
const accessToken = Deno.env.get("FAKE_TOKEN");
const sso = new SSOClient({ maxAttempts: 1 });
const oidc = new SSOOIDCClient({ maxAttempts: 1 });
const accounts = await sso.send(new ListAccountsCommand({ accessToken }));
const { roleCredentials: rc } = await sso.send(
  new GetRoleCredentialsCommand({ accessToken, accountId: "111111111111", roleName: "ReadOnly" }),
);
const client = await oidc.send(new RegisterClientCommand({ clientName: "env", clientType: "public" }));
const { accessKeyId, secretAccessKey, sessionToken } = rc;
const sts = new STSClient({
  maxAttempts: 1,
  credentials: { accessKeyId, secretAccessKey, sessionToken },
});
const identity = await sts.send(new GetCallerIdentityCommand({}));
console.log(JSON.stringify({
  accounts: accounts.accountList.length,
  registered: typeof client.clientId,
  account: identity.Account,
}));
for (const c of [sso, oidc, sts]) c.destroy();
`;

Deno.test("the JS SDK reaches all three services through aws.env alone", async () => {
  await using aws = await startFakeAws();
  const { accessToken } = aws.issueTokens();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", SCRIPT],
    cwd: ROOT,
    env: { ...aws.env, AWS_REGION: "us-east-1", FAKE_TOKEN: accessToken },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
    accounts: 3,
    registered: "string",
    account: "111111111111",
  });
  const counters = aws.counters;
  assert.deepEqual(
    [
      counters.listAccounts,
      counters.getRoleCredentials,
      counters.registerClient,
      counters.getCallerIdentity,
    ],
    [1, 1, 1, 1],
  );
});
