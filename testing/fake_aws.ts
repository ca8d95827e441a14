/**
 * The fake AWS: one HTTP server on loopback serving the SSO portal, SSO OIDC and STS on the same
 * origin, plus an admin API under `/__fake/`.
 *
 * @module
 */

import { type FakeDirectory, sampleDirectory } from "./directory.ts";
import * as oidc from "./fake_oidc.ts";
import * as portal from "./fake_portal.ts";
import { getCallerIdentity } from "./fake_sts.ts";
import {
  FAKE_OPERATIONS,
  type FakeOperation,
  type FaultRule,
  PORTAL_OPERATIONS,
  validateFaultRules,
} from "./faults.ts";
import {
  type FakeAwsCounters,
  type FakeClientRegistration,
  type FakeConfig,
  FakeState,
  type IssuedSecrets,
  zeroCounters,
} from "./state.ts";
import {
  jsonObject,
  jsonResponse,
  oidcError,
  portalError,
  type RequestContext,
  sleep,
  stringList,
  stsError,
} from "./wire.ts";

/** The IAM Identity Center start URL the fake expects by default. */
export const DEFAULT_START_URL = "https://d-fake000000.awsapps.com/start";

/** Options of {@linkcode startFakeAws}. */
export interface FakeAwsOptions {
  /** The user and its accounts and roles. Default {@linkcode sampleDirectory}. */
  directory?: FakeDirectory;
  /** The start URL StartDeviceAuthorization accepts. Default {@linkcode DEFAULT_START_URL}. */
  startUrl?: string;
  /** The SSO region it claims to be. Default `us-east-1`. */
  region?: string;
  /** The clock for issuing and expiring tokens and credentials, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** The PRNG seed for random decisions (throttle ratio, fault ratios). Default 1. */
  seed?: number;
  /** Lifetime of access tokens (`expiresIn`), seconds. Default 28,800 (8 h). */
  accessTokenTtlSeconds?: number;
  /** Lifetime of role credentials, seconds. Default 3,600 (1 h). */
  roleCredentialsTtlSeconds?: number;
  /** Lifetime of client registrations, seconds. Default 7,776,000 (90 days). */
  clientSecretTtlSeconds?: number;
  /** Lifetime of device codes (`expiresIn`), seconds. Default 600. */
  deviceCodeTtlSeconds?: number;
  /** Lifetime of authorization codes, seconds. Default 300. */
  authorizationCodeTtlSeconds?: number;
  /** The `interval` StartDeviceAuthorization returns, seconds. Default 1. */
  devicePollIntervalSeconds?: number;
  /**
   * How many device code polls answer `authorization_pending` before the user approves: 0
   * approves at once, `null` waits for {@linkcode FakeAws.approveDevice}, the admin route or a
   * visit of `verificationUriComplete`. Default 1.
   */
  deviceApproveAfterPolls?: number | null;
  /**
   * Answer `slow_down` to a device code poll closer to the previous one than the interval, on
   * the fake's clock ({@linkcode FakeAwsOptions.now}), and lengthen that device code's interval
   * by 5 s, as RFC 8628 has it. Default true.
   */
  enforcePollInterval?: boolean;
  /** The user denies: `access_denied` for device codes and `/authorize`. Default false. */
  userDenies?: boolean;
  /**
   * When CreateToken returns a refresh token: `scoped` when the client registered scopes or the
   * `refresh_token` grant (as AWS does), `always` or `never`. Default `scoped`.
   */
  refreshTokens?: "scoped" | "always" | "never";
  /** Page size of ListAccounts and ListAccountRoles without `max_result`. Default 20. */
  defaultPageSize?: number;
  /**
   * Token-bucket rate limits in requests a second (burst of one second): a number applies to each
   * portal operation separately; an object sets any operation. Over the limit: HTTP 429
   * `TooManyRequestsException`. Default none.
   */
  rateLimit?: number | Partial<Record<FakeOperation, number>>;
  /**
   * The fraction (0–1) of portal requests answered with 429, drawn from the seeded PRNG, before and
   * apart from `rateLimit` (a request refused so takes no token from the bucket). Default 0.
   */
  throttleRatio?: number;
  /** Delay before every service response, ms. Default 0. */
  latencyMs?: number;
  /** Fault rules in force from the start. Default none. */
  faults?: FaultRule[];
  /** The port to listen on. Default 0 (ephemeral). */
  port?: number;
}

/** The endpoint variables that point AWS clients at the fake. */
export interface FakeAwsEnv extends Record<string, string> {
  /** The SSO portal endpoint. */
  AWS_ENDPOINT_URL_SSO: string;
  /** The SSO OIDC endpoint. */
  AWS_ENDPOINT_URL_SSO_OIDC: string;
  /** The STS endpoint. */
  AWS_ENDPOINT_URL_STS: string;
}

/** Options of {@linkcode FakeAws.issueTokens}. */
export interface IssueTokensOptions {
  /** The scopes of the client registration. Default `["sso:account:access"]`. */
  scopes?: string[];
  /** The grant types of the client registration. Default none. */
  grantTypes?: string[];
}

/** A client registration and a session, as a completed login leaves them. */
export interface IssuedLogin {
  /** The registered client id. */
  clientId: string;
  /** Its secret. */
  clientSecret: string;
  /** When the registration expires, epoch seconds. */
  clientSecretExpiresAt: number;
  /** The access token. */
  accessToken: string;
  /** Its lifetime, seconds. */
  expiresIn: number;
  /** The refresh token, if the refresh token policy gives one. */
  refreshToken?: string;
}

/** A running fake AWS. Dispose of it (`await using`) or call `close()`. */
export interface FakeAws extends AsyncDisposable {
  /** The origin of all three services, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC` and `AWS_ENDPOINT_URL_STS`, all `url`. */
  readonly env: FakeAwsEnv;
  /** The start URL it accepts. */
  readonly startUrl: string;
  /** The region it claims to be. */
  readonly region: string;
  /** The user and its accounts and roles. */
  readonly directory: FakeDirectory;
  /** A snapshot of the request counters. */
  readonly counters: FakeAwsCounters;
  /** A snapshot of every secret issued or received so far. */
  readonly issued: IssuedSecrets;
  /** A snapshot of the registered clients. */
  readonly clients: FakeClientRegistration[];
  /** Sets every counter to zero. */
  resetCounters(): void;
  /** Makes every access token issued so far invalid: the portal answers 401. */
  expireAccessTokens(): void;
  /** Makes every refresh token issued so far invalid: CreateToken answers `invalid_grant`. */
  revokeRefreshTokens(): void;
  /** Makes every role credential issued so far expired: STS answers `ExpiredToken`. */
  expireRoleCredentials(): void;
  /** Replaces the fault rules. @throws {TypeError} If a rule is malformed. */
  setFaults(rules: FaultRule[]): void;
  /** Approves pending device authorizations: the one with `userCode`, or all. Returns how many. */
  approveDevice(userCode?: string): number;
  /** Denies pending device authorizations: the one with `userCode`, or all. Returns how many. */
  denyDevice(userCode?: string): number;
  /** Registers a client and starts a session without any request, as if a login had finished. */
  issueTokens(options?: IssueTokensOptions): IssuedLogin;
  /** Stops the server; pending delays end at once. Safe to call twice. */
  close(): Promise<void>;
}

/** The service an operation belongs to, for the shape of its errors. */
type Service = "oidc" | "portal" | "sts";

/** A routed operation. */
interface Route {
  op: FakeOperation;
  service: Service;
  handle: (state: FakeState, ctx: RequestContext) => Response;
}

/** The routes by `METHOD /path`. */
const ROUTES: Readonly<Record<string, Route>> = {
  "POST /client/register": { op: "registerClient", service: "oidc", handle: oidc.registerClient },
  "POST /device_authorization": {
    op: "startDeviceAuthorization",
    service: "oidc",
    handle: oidc.startDeviceAuthorization,
  },
  "POST /token": { op: "createToken", service: "oidc", handle: oidc.createToken },
  "GET /authorize": { op: "authorize", service: "oidc", handle: oidc.authorize },
  "GET /federation/credentials": {
    op: "getRoleCredentials",
    service: "portal",
    handle: portal.getRoleCredentials,
  },
  "GET /assignment/accounts": {
    op: "listAccounts",
    service: "portal",
    handle: portal.listAccounts,
  },
  "GET /assignment/roles": {
    op: "listAccountRoles",
    service: "portal",
    handle: portal.listAccountRoles,
  },
  "POST /logout": { op: "logout", service: "portal", handle: portal.logout },
  "POST /": { op: "getCallerIdentity", service: "sts", handle: getCallerIdentity },
};

/** Checks a non-negative number option. */
function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !(v >= 0)) {
    throw new TypeError(`Cannot start fake AWS: ${name} must be a number >= 0: ${value}`);
  }
  return v;
}

/** Resolves the options with their defaults. */
function configOf(options: FakeAwsOptions): FakeConfig {
  const rate = options.rateLimit;
  const rateLimit: Partial<Record<FakeOperation, number>> = typeof rate === "number"
    ? Object.fromEntries(PORTAL_OPERATIONS.map((op) => [op, rate]))
    : { ...rate };
  for (const [op, value] of Object.entries(rateLimit)) {
    if (!FAKE_OPERATIONS.includes(op as FakeOperation)) {
      throw new TypeError(`Cannot start fake AWS: unknown operation in rateLimit: ${op}`);
    }
    nonNegative(`rateLimit.${op}`, value, 0);
  }
  const throttleRatio = nonNegative("throttleRatio", options.throttleRatio, 0);
  if (throttleRatio > 1) throw new TypeError("Cannot start fake AWS: throttleRatio must be <= 1");
  const approve = options.deviceApproveAfterPolls;
  const pageSize = nonNegative("defaultPageSize", options.defaultPageSize, 20);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw new TypeError("Cannot start fake AWS: defaultPageSize must be an integer from 1 to 100");
  }
  return {
    directory: options.directory ?? sampleDirectory(),
    startUrl: options.startUrl ?? DEFAULT_START_URL,
    region: options.region ?? "us-east-1",
    now: options.now ?? Date.now,
    seed: options.seed ?? 1,
    accessTokenTtlSeconds: nonNegative(
      "accessTokenTtlSeconds",
      options.accessTokenTtlSeconds,
      28_800,
    ),
    roleCredentialsTtlSeconds: nonNegative(
      "roleCredentialsTtlSeconds",
      options.roleCredentialsTtlSeconds,
      3_600,
    ),
    clientSecretTtlSeconds: nonNegative(
      "clientSecretTtlSeconds",
      options.clientSecretTtlSeconds,
      90 * 86_400,
    ),
    deviceCodeTtlSeconds: nonNegative("deviceCodeTtlSeconds", options.deviceCodeTtlSeconds, 600),
    authorizationCodeTtlSeconds: nonNegative(
      "authorizationCodeTtlSeconds",
      options.authorizationCodeTtlSeconds,
      300,
    ),
    devicePollIntervalSeconds: nonNegative(
      "devicePollIntervalSeconds",
      options.devicePollIntervalSeconds,
      1,
    ),
    deviceApproveAfterPolls: approve === null
      ? null
      : nonNegative("deviceApproveAfterPolls", approve, 1),
    enforcePollInterval: options.enforcePollInterval ?? true,
    userDenies: options.userDenies ?? false,
    refreshTokens: options.refreshTokens ?? "scoped",
    defaultPageSize: pageSize,
    rateLimit,
    throttleRatio,
    latencyMs: nonNegative("latencyMs", options.latencyMs, 0),
  };
}

/** The error response of a service for an AWS error type. */
function serviceError(service: Service, status: number, type: string, message: string): Response {
  if (service === "sts") {
    const code = type === "TooManyRequestsException"
      ? "Throttling"
      : type === "InternalServerException"
      ? "InternalFailure"
      : type === "ServiceUnavailableException"
      ? "ServiceUnavailable"
      : type.replace(/Exception$/, "");
    return stsError(type === "TooManyRequestsException" ? 400 : status, code, message);
  }
  return service === "oidc" ? oidcError(type, message, status) : portalError(status, type, message);
}

/**
 * The throttling response of a service. SSO-OIDC's model has no TooManyRequestsException: it
 * slows callers down with a 400 SlowDownException (`slow_down`).
 */
function throttled(state: FakeState, service: Service): Response {
  state.counters.throttled++;
  return service === "oidc"
    ? serviceError(service, 400, "SlowDownException", "Rate exceeded")
    : serviceError(service, 429, "TooManyRequestsException", "Rate exceeded");
}

/** Rebuilds a response with a new body, keeping status and headers. */
async function withBody(
  response: Response,
  make: (bytes: Uint8Array) => BodyInit | null,
  contentLength?: (bytes: Uint8Array) => number,
): Promise<Response> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  if (contentLength) headers.set("content-length", String(contentLength(bytes)));
  return new Response(make(bytes), { status: response.status, headers });
}

/** Applies a response-mangling fault (`reset`, `truncate`, `malformed`) to a real response. */
function mangle(kind: FaultRule["kind"], response: Response): Promise<Response> {
  if (kind === "truncate") {
    return withBody(response, (b) => b.slice(0, Math.floor(b.length / 2)));
  }
  if (kind === "malformed") {
    return Promise.resolve(
      new Response('{"message": this is not JSON]', {
        status: 200,
        headers: { "content-type": "application/json" },
      }),
    );
  }
  // reset: declare the full length, send half, then end the stream: the server drops the
  // connection mid-body (Deno.serve cannot drop it before the headers).
  return withBody(
    response,
    (b) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          const half = b.slice(0, Math.floor(b.length / 2));
          if (half.length > 0) controller.enqueue(half);
          controller.close();
        },
      }),
    (b) => Math.max(b.length, 1),
  );
}

/**
 * Starts a fake AWS (SSO portal, SSO OIDC and STS) on `127.0.0.1` at an ephemeral port.
 *
 * Point real clients at it with `endpoint: aws.url` or the variables in `aws.env`; steer it with
 * the control methods or, from another process, the admin routes under `/__fake/`.
 *
 * @param options Directory, start URL, lifetimes, login behaviour, throttling and faults.
 * @returns The running fake; `await using` closes it.
 * @throws {TypeError} If an option is out of range.
 *
 * @example Listing accounts over HTTP
 * ```ts
 * import { startFakeAws } from "@ssokit/aws-sso/testing";
 *
 * await using aws = await startFakeAws();
 * const { accessToken } = aws.issueTokens();
 * const response = await fetch(`${aws.url}/assignment/accounts?max_result=2`, {
 *   headers: { "x-amz-sso_bearer_token": accessToken },
 * });
 * const page = await response.json();
 * console.assert(page.accountList.length === 2 && typeof page.nextToken === "string");
 * console.assert(aws.counters.listAccounts === 1);
 * ```
 *
 * @example Injecting a fault
 * ```ts
 * import { startFakeAws } from "@ssokit/aws-sso/testing";
 *
 * await using aws = await startFakeAws({
 *   faults: [{ op: "listAccounts", kind: "unavailable", count: 1 }],
 * });
 * const { accessToken } = aws.issueTokens();
 * const headers = { "x-amz-sso_bearer_token": accessToken };
 * const first = await fetch(`${aws.url}/assignment/accounts`, { headers });
 * await first.body?.cancel();
 * console.assert(first.status === 503);
 * console.assert(first.headers.get("x-amzn-errortype") === "ServiceUnavailableException");
 * const second = await fetch(`${aws.url}/assignment/accounts`, { headers });
 * await second.body?.cancel();
 * console.assert(second.status === 200 && aws.counters.faults === 1);
 * ```
 */
export function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  // The executor turns an option error thrown while starting into a rejection.
  return new Promise((resolve) => resolve(createFakeAws(options)));
}

/** Starts the server and builds the handle; throws on bad options. */
function createFakeAws(options: FakeAwsOptions): FakeAws {
  const state = new FakeState(configOf(options));
  state.faults.set(validateFaultRules(options.faults ?? []));
  const closing = new AbortController();
  let origin = "";

  const serve = async (request: Request, ctx: RequestContext): Promise<Response> => {
    const route = ROUTES[`${request.method} ${ctx.url.pathname}`];
    if (!route) {
      if (request.method === "GET" && ctx.url.pathname === "/device") {
        return oidc.verifyDevice(state, ctx);
      }
      return portalError(
        404,
        "UnknownOperationException",
        `No route: ${request.method} ${ctx.url.pathname}`,
      );
    }
    if (route.op === "createToken") {
      const grant = oidc.grantOf(ctx.body);
      if (grant) state.counters.createToken[grant]++;
    } else {
      state.counters[route.op]++;
    }
    await sleep(state.config.latencyMs, closing.signal);
    const fault = state.faults.pick(route.op);
    if (fault) state.counters.faults++;
    switch (fault?.kind) {
      case "internal":
        return serviceError(
          route.service,
          500,
          "InternalServerException",
          "Internal error (injected)",
        );
      case "unavailable":
        return serviceError(
          route.service,
          503,
          "ServiceUnavailableException",
          "Unavailable (injected)",
        );
      case "throttle":
        return throttled(state, route.service);
      case "slow_down":
        return serviceError(route.service, 400, "SlowDownException", "Slow down (injected)");
      case "error":
        return serviceError(
          route.service,
          fault.status ?? 400,
          fault.errorType ?? "InvalidRequestException",
          fault.message ?? "Error (injected)",
        );
      case "delay":
        await sleep(fault.delayMs ?? 5000, closing.signal);
    }
    // A request refused by the random throttle takes no token from the operation's bucket: like
    // AWS's own limiter, only the requests that are served count against the rate.
    if (
      state.config.throttleRatio > 0 && PORTAL_OPERATIONS.includes(route.op) &&
      state.random() < state.config.throttleRatio
    ) {
      return throttled(state, route.service);
    }
    if (state.buckets.get(route.op)?.take() === false) return throttled(state, route.service);
    const response = route.handle(state, ctx);
    return fault && ["reset", "truncate", "malformed"].includes(fault.kind)
      ? mangle(fault.kind, response)
      : response;
  };

  const admin = (request: Request, ctx: RequestContext): Response => {
    const action = `${request.method} ${ctx.url.pathname.slice("/__fake".length)}`;
    const input = jsonObject(ctx.body) ?? {};
    const userCode = typeof input.userCode === "string" ? input.userCode : undefined;
    switch (action) {
      case "GET /counters":
        return jsonResponse(200, fake.counters);
      case "POST /reset-counters":
        fake.resetCounters();
        return jsonResponse(200, fake.counters);
      case "GET /issued":
        return jsonResponse(200, fake.issued);
      case "GET /clients":
        return jsonResponse(200, fake.clients);
      case "POST /expire-access-tokens":
        fake.expireAccessTokens();
        return jsonResponse(200, {});
      case "POST /revoke-refresh-tokens":
        fake.revokeRefreshTokens();
        return jsonResponse(200, {});
      case "POST /expire-role-credentials":
        fake.expireRoleCredentials();
        return jsonResponse(200, {});
      case "POST /approve-device":
        return jsonResponse(200, { count: fake.approveDevice(userCode) });
      case "POST /deny-device":
        return jsonResponse(200, { count: fake.denyDevice(userCode) });
      case "POST /issue-tokens": {
        const scopes = stringList(input.scopes);
        const grantTypes = stringList(input.grantTypes);
        if (!scopes || !grantTypes) {
          return jsonResponse(400, { message: "scopes and grantTypes must be lists of strings" });
        }
        return jsonResponse(
          200,
          fake.issueTokens({ ...(input.scopes === undefined ? {} : { scopes }), grantTypes }),
        );
      }
      case "POST /faults": {
        let rules: unknown;
        try {
          rules = JSON.parse(new TextDecoder().decode(ctx.body));
        } catch {
          return jsonResponse(400, { message: "Cannot set faults: body is not JSON" });
        }
        try {
          fake.setFaults(
            validateFaultRules(
              Array.isArray(rules) ? rules : (rules as { rules?: unknown })?.rules,
            ),
          );
        } catch (e) {
          return jsonResponse(400, { message: (e as Error).message });
        }
        return jsonResponse(200, {});
      }
    }
    return jsonResponse(404, { message: `No admin route: ${action}` });
  };

  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      signal: closing.signal,
      onListen() {},
    },
    async (request) => {
      const url = new URL(request.url);
      const body = request.body ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array();
      const ctx: RequestContext = { request, url, body, origin };
      return url.pathname.startsWith("/__fake/") ? admin(request, ctx) : await serve(request, ctx);
    },
  );
  origin = `http://127.0.0.1:${server.addr.port}`;
  const env: FakeAwsEnv = {
    AWS_ENDPOINT_URL_SSO: origin,
    AWS_ENDPOINT_URL_SSO_OIDC: origin,
    AWS_ENDPOINT_URL_STS: origin,
  };

  const fake: FakeAws = {
    url: origin,
    env,
    startUrl: state.config.startUrl,
    region: state.config.region,
    directory: state.config.directory,
    get counters(): FakeAwsCounters {
      return structuredClone(state.counters);
    },
    get issued(): IssuedSecrets {
      return structuredClone(state.issued);
    },
    get clients(): FakeClientRegistration[] {
      return [...state.clients.values()].map(({ clientSecret: _, ...rest }) =>
        structuredClone(rest)
      );
    },
    resetCounters() {
      state.counters = zeroCounters();
    },
    expireAccessTokens() {
      for (const record of state.accessTokens.values()) record.expiresAt = -Infinity;
    },
    revokeRefreshTokens() {
      for (const record of state.refreshTokens.values()) record.spent = true;
    },
    expireRoleCredentials() {
      for (const record of state.roleCredentials.values()) record.expiration = -Infinity;
    },
    setFaults(rules) {
      state.faults.set(validateFaultRules(rules));
    },
    approveDevice(userCode) {
      return state.decideDevices(true, userCode);
    },
    denyDevice(userCode) {
      return state.decideDevices(false, userCode);
    },
    issueTokens(opts = {}) {
      const client = state.registerClient({
        clientName: "fake-aws-issue-tokens",
        clientType: "public",
        scopes: opts.scopes ?? ["sso:account:access"],
        grantTypes: opts.grantTypes ?? [],
        redirectUris: [],
      });
      const tokens = state.startSession(client, client.scopes);
      return {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        clientSecretExpiresAt: client.expiresAt,
        accessToken: String(tokens.accessToken),
        expiresIn: Number(tokens.expiresIn),
        ...(tokens.refreshToken === undefined ? {} : { refreshToken: String(tokens.refreshToken) }),
      };
    },
    async close() {
      closing.abort();
      await server.finished;
    },
    [Symbol.asyncDispose]() {
      return fake.close();
    },
  };
  return fake;
}
