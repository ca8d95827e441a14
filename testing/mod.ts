/**
 * A fake AWS for tests: the IAM Identity Center portal (`sso`), SSO OIDC (`sso-oidc`) and STS
 * `GetCallerIdentity`, served on one loopback origin and speaking only the wire contract, so the
 * real AWS SDKs, botocore and the AWS CLI can be pointed at it.
 *
 * - OIDC: RegisterClient, StartDeviceAuthorization, CreateToken (device code, rotating refresh
 *   tokens, authorization code with PKCE S256) and the browser's `GET /authorize`.
 * - Portal: GetRoleCredentials, ListAccounts and ListAccountRoles with real pagination, Logout.
 * - STS: GetCallerIdentity, checking SigV4 signatures made with the role credentials it issued.
 * - Control: counters, every issued secret (for leak checks), token expiry, rate limits, a
 *   seeded throttle ratio, latency and fault rules; also over HTTP under `/__fake/` for other
 *   processes (see `testing/serve.ts`).
 *
 * @example Pointing the AWS SDK at the fake
 * ```ts
 * import { startFakeAws } from "@ssokit/aws-sso/testing";
 *
 * await using aws = await startFakeAws();
 * const { accessToken } = aws.issueTokens();
 * const response = await fetch(
 *   `${aws.url}/federation/credentials?account_id=111111111111&role_name=ReadOnly`,
 *   { headers: { "x-amz-sso_bearer_token": accessToken } },
 * );
 * const { roleCredentials } = await response.json();
 * console.assert(roleCredentials.accessKeyId.startsWith("ASIA"));
 * ```
 *
 * @module
 */

export {
  DEFAULT_START_URL,
  type FakeAws,
  type FakeAwsEnv,
  type FakeAwsOptions,
  type IssuedLogin,
  type IssueTokensOptions,
  startFakeAws,
} from "./fake_aws.ts";
export {
  type FakeAccount,
  type FakeDirectory,
  generateDirectory,
  type GenerateDirectoryOptions,
  sampleDirectory,
} from "./directory.ts";
export type { FakeOperation, FaultKind, FaultRule } from "./faults.ts";
export type {
  FakeAwsCounters,
  FakeClientRegistration,
  IssuedSecrets,
  TokenGrant,
} from "./state.ts";
export { type FakeSsoHome, fakeSsoHome, type FakeSsoHomeOptions } from "./fake_home.ts";
export {
  findIssuedSecrets,
  type FindIssuedSecretsOptions,
  type FoundSecret,
} from "./find_issued_secrets.ts";
