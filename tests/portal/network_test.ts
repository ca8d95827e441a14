/**
 * Corporate networks: a private CA (`AWS_CA_BUNDLE`) and an HTTP proxy (`HTTP_PROXY`), through
 * the CLI under its documented permission flags, against the fake AWS behind a TLS front or a
 * forwarding proxy on loopback. The test CA and server key in testdata/tls are for tests only.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeAws } from "../../testing/mod.ts";
import { runCli, writeSsoConfig } from "../e2e/_cli.ts";
import { withTmpDir } from "../helpers.ts";
import { issueSession } from "../e2e/_session.ts";

const TLS = new URL("../testdata/tls/", import.meta.url).pathname;
const ROLE = "arn:aws:iam::111111111111:role/ReadOnly";

/** Forwards every request to `target`, counting them (a TLS front or a plain proxy). */
function forwarder(target: string, tls: boolean) {
  let count = 0;
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
    ...(tls
      ? {
        cert: Deno.readTextFileSync(join(TLS, "server.pem")),
        key: Deno.readTextFileSync(join(TLS, "server.key")),
      }
      : {}),
  }, async (req) => {
    count++;
    const url = new URL(req.url);
    const upstream = await fetch(`${target}${url.pathname}${url.search}`, {
      method: req.method,
      headers: req.headers,
      body: req.body,
    });
    return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
  });
  return {
    port: server.addr.port,
    count: () => count,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("aws-sso -ext trusts the CA of AWS_CA_BUNDLE, and only with it", async () => {
  await using aws = await startFakeAws();
  await using front = forwarder(aws.url, true);
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const endpoint = `https://localhost:${front.port}`;
  const env = { AWS_ENDPOINT_URL_SSO: endpoint, AWS_ENDPOINT_URL_SSO_OIDC: endpoint };

  const refused = await runCli(["-p", "corp", "-r", ROLE, "-ext", "--no-login"], {
    home: tmp.path,
    env,
  });
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, "");
  assert.match(
    refused.stderr,
    /^aws-sso: Get credentials for role ReadOnly in account 111111111111: .*certificate.*\nhint: /i,
  );
  assert.doesNotMatch(refused.stderr, /Unexpected error| {4}at /);
  assert.equal(aws.counters.getRoleCredentials, 0);

  const trusted = await runCli(["-p", "corp", "-r", ROLE, "-ext", "--no-login"], {
    home: tmp.path,
    env: { ...env, AWS_CA_BUNDLE: join(TLS, "ca.pem") },
  });
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.equal(JSON.parse(trusted.stdout).Version, 1);
  assert.equal(aws.counters.getRoleCredentials, 1);
});

Deno.test("aws-sso -ext fails with one line when AWS_CA_BUNDLE cannot be read", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  const r = await runCli(["-p", "corp", "-r", ROLE, "-ext"], {
    home: tmp.path,
    env: { ...aws.env, AWS_CA_BUNDLE: join(tmp.path, ".aws", "missing.pem") },
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^aws-sso: Cannot read the CA bundle .*missing\.pem \(AWS_CA_BUNDLE\)\n/);
});

Deno.test("aws-sso -ext goes through HTTP_PROXY", async () => {
  await using aws = await startFakeAws();
  await using proxy = forwarder(aws.url, false);
  await using tmp = await withTmpDir();
  await writeSsoConfig(tmp.path, aws.startUrl);
  await issueSession(aws, tmp.path, "corp");
  // The fake's endpoint is plain HTTP, so HTTP_PROXY applies (HTTPS_PROXY is the same code path
  // in Deno's fetch, with CONNECT).
  const r = await runCli(["-p", "corp", "-r", ROLE, "-ext", "--no-login"], {
    home: tmp.path,
    env: { ...aws.env, HTTP_PROXY: `http://127.0.0.1:${proxy.port}` },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(proxy.count(), 1);
  assert.equal(aws.counters.getRoleCredentials, 1);
});

Deno.test("aws-sso -ext reaches the portal named by the profile's [services] section", async () => {
  await using aws = await startFakeAws();
  await using tmp = await withTmpDir();
  await writeSsoConfig(
    tmp.path,
    aws.startUrl,
    `\n[profile routed]\nsso_session = corp\nservices = fake\n\n` +
      `[services fake]\nsso =\n  endpoint_url = ${aws.url}\nsso_oidc =\n  endpoint_url = ${aws.url}\n`,
  );
  await issueSession(aws, tmp.path, "corp");
  // No AWS_ENDPOINT_URL_* variables: only the config file points at the fake.
  const r = await runCli(["-p", "routed", "-r", ROLE, "-ext", "--no-login"], { home: tmp.path });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(aws.counters.getRoleCredentials, 1);
});
