/**
 * `deno task demo`: the whole flow against the built-in fake AWS, in a temporary HOME, for
 * someone without an AWS account: sign-in, discovery, a credential_process call, env output,
 * and a signed STS call made with the credentials.
 *
 * @module
 */

import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromProcess } from "@aws-sdk/credential-provider-process";
import { startFakeAws } from "../testing/mod.ts";
import { cliArgs, cliEnv, FAKE_BROWSER, writeSsoConfig } from "../tests/e2e/_cli.ts";

const bold = (s: string) => Deno.stdout.isTerminal() ? `\x1b[1m${s}\x1b[0m` : s;

await using aws = await startFakeAws();
const home = await Deno.makeTempDir({ prefix: "aws-sso-demo-" });
const env = { ...aws.env, BROWSER: FAKE_BROWSER };
const role = "arn:aws:iam::111111111111:role/ReadOnly";

async function step(title: string, args: string[]): Promise<string> {
  console.log(`\n${bold(`$ aws-sso ${args.join(" ")}`)}   # ${title}`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: cliArgs(args, { home, env }),
    env: cliEnv({ home, env }),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  if (stderr) console.log(stderr.trimEnd().replace(/^/gm, "  (stderr) "));
  if (stdout) console.log(stdout.trimEnd());
  if (out.code !== 0) throw new Error(`exit code ${out.code}`);
  return stdout;
}

try {
  await writeSsoConfig(home, aws.startUrl);
  console.log(`Fake AWS at ${aws.url}; HOME=${home}`);
  console.log(`~/.aws/config:\n${await Deno.readTextFile(join(home, ".aws", "config"))}`);
  await step("sign in (the fake browser approves)", ["-p", "corp", "--login"]);
  await step("discover every role", ["-p", "corp", "-d"]);
  const config = await Deno.readTextFile(join(home, ".aws", "config"));
  console.log(config.slice(config.indexOf("[profile 111111111111-ReadOnly]")).split("\n\n")[0]);
  await step("be a credential_process (served from the cache)", ["-p", "corp", "-r", role, "-ext"]);
  await step("export lines for eval", ["-p", "corp", "-r", role, "-env"]);
  await step("list accounts and roles", ["-p", "corp", "--list"]);

  console.log(
    `\n${bold("STS GetCallerIdentity with those credentials (SigV4-checked by the fake):")}`,
  );
  const command = [...cliArgs(["-p", "corp", "-r", role, "-ext"], { home, env })]
    .map((w) => `'${w.replaceAll("'", `'"'"'`)}'`).join(" ");
  await Deno.writeTextFile(
    join(home, ".aws", "config"),
    `\n[profile demo-process]\ncredential_process = '${Deno.execPath()}' ${command}\n`,
    { append: true },
  );
  for (const [k, v] of Object.entries(cliEnv({ home, env }))) Deno.env.set(k, v);
  const sts = new STSClient({
    region: "us-east-1",
    endpoint: aws.url,
    credentials: fromProcess({ profile: "demo-process" }),
  });
  const id = await sts.send(new GetCallerIdentityCommand({}));
  console.log(`  Account: ${id.Account}\n  Arn:     ${id.Arn}`);
  console.log(`\nThe fake counted: ${JSON.stringify(aws.counters)}`);
} finally {
  await Deno.remove(home, { recursive: true });
}
