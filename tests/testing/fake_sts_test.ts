import assert from "node:assert/strict";
import { GetRoleCredentialsCommand, SSOClient } from "@aws-sdk/client-sso";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { type FakeAws, type FakeAwsOptions, startFakeAws } from "../../testing/mod.ts";

/** The rejection of a promise that must reject. */
async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error("Expected a rejection");
}

/** The HTTP status of an SDK error. */
function statusOf(error: Record<string, unknown>): number | undefined {
  return (error.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode;
}

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** A fake and role credentials from the real portal client. */
async function setup(options: FakeAwsOptions = {}): Promise<
  { aws: FakeAws; creds: Creds } & AsyncDisposable
> {
  const aws = await startFakeAws(options);
  const sso = new SSOClient({ endpoint: aws.url, region: "us-east-1", maxAttempts: 1 });
  try {
    const { roleCredentials: rc } = await sso.send(
      new GetRoleCredentialsCommand({
        accessToken: aws.issueTokens().accessToken,
        accountId: "222222222222",
        roleName: "AdministratorAccess",
      }),
    );
    return {
      aws,
      creds: {
        accessKeyId: rc?.accessKeyId ?? "",
        secretAccessKey: rc?.secretAccessKey ?? "",
        sessionToken: rc?.sessionToken ?? "",
      },
      [Symbol.asyncDispose]: () => aws.close(),
    };
  } finally {
    sso.destroy();
  }
}

/** GetCallerIdentity with the real STS client; `tamper` edits the signed request. */
async function callerIdentity(
  aws: FakeAws,
  creds: Creds,
  options: {
    region?: string;
    tamper?: (request: { headers: Record<string, string>; body: string }) => void;
  } = {},
) {
  const sts = new STSClient({
    endpoint: aws.url,
    region: options.region ?? "us-east-1",
    maxAttempts: 1,
    credentials: creds,
  });
  if (options.tamper) {
    const tamper = options.tamper;
    // The deserialize step runs after signing (finalizeRequest), so it sees the signed request.
    sts.middlewareStack.add(
      (next) => (args) => {
        tamper(args.request as { headers: Record<string, string>; body: string });
        return next(args);
      },
      { step: "deserialize", name: "tamper" },
    );
  }
  try {
    return await sts.send(new GetCallerIdentityCommand({}));
  } finally {
    sts.destroy();
  }
}

Deno.test("GetCallerIdentity accepts a request signed by the JS SDK with issued credentials", async (t) => {
  await using f = await setup();
  for (const region of ["us-east-1", "eu-central-1"]) {
    await t.step(`signed for ${region}`, async () => {
      const identity = await callerIdentity(f.aws, f.creds, { region });
      assert.equal(identity.Account, "222222222222");
      assert.match(
        identity.Arn ?? "",
        /^arn:aws:sts::222222222222:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/,
      );
      assert.match(identity.UserId ?? "", /^AROA[A-Z2-7]{17}:alice@example\.com$/);
    });
  }
  assert.equal(f.aws.counters.getCallerIdentity, 2);
});

Deno.test("GetCallerIdentity rejects tampered, unknown and expired credentials", async (t) => {
  await using f = await setup();
  const cases: [string, Partial<Creds>, string, number][] = [
    ["wrong secret", { secretAccessKey: "x".repeat(40) }, "SignatureDoesNotMatch", 403],
    ["unknown access key id", { accessKeyId: "ASIAAAAAAAAAAAAAAAAA" }, "InvalidClientTokenId", 403],
    ["another session token", { sessionToken: "IQoJother" }, "InvalidClientTokenId", 403],
  ];
  for (const [name, change, code, status] of cases) {
    await t.step(name, async () => {
      const error = await rejection(callerIdentity(f.aws, { ...f.creds, ...change }));
      assert.equal(error.name, code);
      assert.equal(statusOf(error), status);
    });
  }
  await t.step("a flipped signature character", async () => {
    const error = await rejection(callerIdentity(f.aws, f.creds, {
      tamper: (request) => {
        const auth = request.headers.authorization ?? "";
        const last = auth.at(-1) === "0" ? "1" : "0";
        request.headers.authorization = auth.slice(0, -1) + last;
      },
    }));
    assert.equal(error.name, "SignatureDoesNotMatch");
  });
  await t.step("a body changed after signing", async () => {
    const error = await rejection(callerIdentity(f.aws, f.creds, {
      tamper: (request) => {
        request.body = request.body.replace("2011-06-15", "2011-06-16");
      },
    }));
    assert.equal(error.name, "SignatureDoesNotMatch");
  });
  await t.step("a signed header changed after signing", async () => {
    const error = await rejection(callerIdentity(f.aws, f.creds, {
      tamper: (request) => {
        request.headers["content-type"] = "text/plain";
      },
    }));
    assert.equal(error.name, "SignatureDoesNotMatch");
  });
  await t.step("expired credentials", async () => {
    f.aws.expireRoleCredentials();
    const error = await rejection(callerIdentity(f.aws, f.creds));
    assert.equal(error.name, "ExpiredToken");
    assert.equal(statusOf(error), 400);
  });
});

Deno.test("GetCallerIdentity rejects credentials past their expiration on the fake's clock", async () => {
  let clock = Date.now();
  await using f = await setup({ now: () => clock, roleCredentialsTtlSeconds: 900 });
  clock += 899_000;
  await callerIdentity(f.aws, f.creds);
  clock += 1_000;
  assert.equal((await rejection(callerIdentity(f.aws, f.creds))).name, "ExpiredToken");
});

Deno.test("STS answers an unsigned request with MissingAuthenticationToken XML", async () => {
  await using f = await setup();
  const response = await fetch(f.aws.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: "Action=GetCallerIdentity&Version=2011-06-15",
  });
  assert.equal(response.status, 403);
  const xml = await response.text();
  assert.match(xml, /<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
  assert.match(xml, /<Code>MissingAuthenticationToken<\/Code>/);
  assert.match(xml, /<Type>Sender<\/Type>/);
});
