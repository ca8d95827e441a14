/**
 * What the fake AWS remembers: registered clients, device and authorization codes, sessions and
 * their tokens, issued role credentials, counters, and every secret it handed out.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { FakeAccount, FakeDirectory } from "./directory.ts";
import { createPrng, type FakeOperation, FaultPlan, TokenBucket } from "./faults.ts";
import { BASE64URL_CHARS, randomString } from "./wire.ts";

/** The CreateToken grants the fake counts, by their short names. */
export type TokenGrant = "device_code" | "refresh_token" | "authorization_code";

/** How many requests the fake AWS received, per operation, and what it injected. */
export interface FakeAwsCounters {
  /** `POST /client/register` requests. */
  registerClient: number;
  /** `POST /device_authorization` requests. */
  startDeviceAuthorization: number;
  /** `POST /token` requests by grant (`urn:ietf:params:oauth:grant-type:device_code` counts as `device_code`). */
  createToken: Record<TokenGrant, number>;
  /** `GET /authorize` requests. */
  authorize: number;
  /** `GET /federation/credentials` requests. */
  getRoleCredentials: number;
  /** `GET /assignment/accounts` requests. */
  listAccounts: number;
  /** `GET /assignment/roles` requests. */
  listAccountRoles: number;
  /** `POST /logout` requests. */
  logout: number;
  /** STS `POST /` requests. */
  getCallerIdentity: number;
  /** HTTP 429 responses (rate limit, throttle ratio or `throttle` fault) and STS `Throttling`. */
  throttled: number;
  /** Fault rules that fired (a `throttle` fault counts here and in `throttled`). */
  faults: number;
}

/** Every secret value the fake AWS issued or received, for tests that search output for leaks. */
export interface IssuedSecrets {
  /** OIDC access tokens. */
  accessTokens: string[];
  /** OIDC refresh tokens. */
  refreshTokens: string[];
  /** Client secrets of registered clients. */
  clientSecrets: string[];
  /** Secret access keys of role credentials. */
  secretAccessKeys: string[];
  /** Session tokens of role credentials. */
  sessionTokens: string[];
  /** Device codes of device authorizations. */
  deviceCodes: string[];
  /** Authorization codes of the PKCE flow. */
  authorizationCodes: string[];
  /** PKCE code verifiers the fake received in CreateToken. */
  codeVerifiers: string[];
}

/** A client registered with RegisterClient, as the fake recorded it. */
export interface FakeClientRegistration {
  /** The issued client id. */
  clientId: string;
  /** The `clientName` sent. */
  clientName: string;
  /** The `clientType` sent. */
  clientType: string;
  /** The `scopes` sent (empty if none). */
  scopes: string[];
  /** The `grantTypes` sent (empty if none). */
  grantTypes: string[];
  /** The `redirectUris` sent (empty if none). */
  redirectUris: string[];
  /** The `issuerUrl` sent, if any. */
  issuerUrl?: string;
  /** `clientIdIssuedAt`, epoch seconds. */
  issuedAt: number;
  /** `clientSecretExpiresAt`, epoch seconds. */
  expiresAt: number;
}

/** The fake's settings after defaults. */
export interface FakeConfig {
  directory: FakeDirectory;
  startUrl: string;
  region: string;
  now: () => number;
  seed: number;
  accessTokenTtlSeconds: number;
  roleCredentialsTtlSeconds: number;
  clientSecretTtlSeconds: number;
  deviceCodeTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  devicePollIntervalSeconds: number;
  deviceApproveAfterPolls: number | null;
  enforcePollInterval: boolean;
  userDenies: boolean;
  refreshTokens: "scoped" | "always" | "never";
  defaultPageSize: number;
  rateLimit: Partial<Record<FakeOperation, number>>;
  throttleRatio: number;
  latencyMs: number;
}

/** A registered client with its secret. */
export interface ClientRecord extends FakeClientRegistration {
  clientSecret: string;
}

/** A device authorization. */
export interface DeviceRecord {
  deviceCode: string;
  userCode: string;
  clientId: string;
  /** Epoch ms. */
  expiresAt: number;
  polls: number;
  /** When it was last polled, on the fake's clock (epoch ms). */
  lastPollAt?: number;
  /** How far apart polls must be, ms: the interval given, plus 5 s for each `slow_down`. */
  pollIntervalMs: number;
  status: "pending" | "approved" | "denied" | "consumed";
}

/** An authorization code of the PKCE flow. */
export interface AuthCodeRecord {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  /** Epoch ms. */
  expiresAt: number;
  used: boolean;
}

/** A login: what Logout ends. */
export interface SessionRecord {
  clientId: string;
  scopes: string[];
  ended: boolean;
}

/** An access token. */
export interface AccessTokenRecord {
  sessionId: number;
  /** Epoch ms. */
  expiresAt: number;
}

/** A refresh token; `spent` once used (rotation) or revoked. */
export interface RefreshTokenRecord {
  sessionId: number;
  clientId: string;
  spent: boolean;
}

/** Role credentials issued by GetRoleCredentials. */
export interface RoleCredentialRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch ms. */
  expiration: number;
  accountId: string;
  roleName: string;
}

/** Fresh zeroed counters. */
export function zeroCounters(): FakeAwsCounters {
  return {
    registerClient: 0,
    startDeviceAuthorization: 0,
    createToken: { device_code: 0, refresh_token: 0, authorization_code: 0 },
    authorize: 0,
    getRoleCredentials: 0,
    listAccounts: 0,
    listAccountRoles: 0,
    logout: 0,
    getCallerIdentity: 0,
    throttled: 0,
    faults: 0,
  };
}

/** The mutable state of one fake AWS instance. */
export class FakeState {
  readonly config: FakeConfig;
  readonly accounts: Map<string, FakeAccount>;
  readonly clients: Map<string, ClientRecord> = new Map();
  readonly devices: Map<string, DeviceRecord> = new Map();
  readonly userCodes: Map<string, string> = new Map();
  readonly authCodes: Map<string, AuthCodeRecord> = new Map();
  readonly sessions: SessionRecord[] = [];
  readonly accessTokens: Map<string, AccessTokenRecord> = new Map();
  readonly refreshTokens: Map<string, RefreshTokenRecord> = new Map();
  readonly roleCredentials: Map<string, RoleCredentialRecord> = new Map();
  readonly random: () => number;
  readonly faults: FaultPlan;
  readonly buckets: Map<FakeOperation, TokenBucket> = new Map();
  counters: FakeAwsCounters = zeroCounters();
  readonly issued: IssuedSecrets = {
    accessTokens: [],
    refreshTokens: [],
    clientSecrets: [],
    secretAccessKeys: [],
    sessionTokens: [],
    deviceCodes: [],
    authorizationCodes: [],
    codeVerifiers: [],
  };

  constructor(config: FakeConfig) {
    this.config = config;
    this.accounts = new Map(config.directory.accounts.map((a) => [a.accountId, a]));
    this.random = createPrng(config.seed);
    this.faults = new FaultPlan(this.random);
    for (const [op, rate] of Object.entries(config.rateLimit)) {
      if (rate !== undefined && rate > 0) {
        this.buckets.set(op as FakeOperation, new TokenBucket(rate, () => performance.now()));
      }
    }
  }

  /** The current time, epoch ms. */
  now(): number {
    return this.config.now();
  }

  /** Starts a session and issues its first tokens, as CreateToken returns them. */
  startSession(client: ClientRecord, scopes: string[]): Record<string, string | number> {
    this.sessions.push({ clientId: client.clientId, scopes, ended: false });
    return this.issueTokens(this.sessions.length - 1, client);
  }

  /** Issues an access token (and a refresh token if the policy says so) in a session. */
  issueTokens(sessionId: number, client: ClientRecord): Record<string, string | number> {
    const accessToken = `aoa${randomString(96)}`;
    const ttl = this.config.accessTokenTtlSeconds;
    this.accessTokens.set(accessToken, { sessionId, expiresAt: this.now() + ttl * 1000 });
    this.issued.accessTokens.push(accessToken);
    const out: Record<string, string | number> = {
      accessToken,
      tokenType: "Bearer",
      expiresIn: ttl,
    };
    const policy = this.config.refreshTokens;
    const scoped = client.scopes.length > 0 || client.grantTypes.includes("refresh_token");
    if (policy === "always" || (policy === "scoped" && scoped)) {
      const refreshToken = `aor${randomString(96)}`;
      this.refreshTokens.set(refreshToken, { sessionId, clientId: client.clientId, spent: false });
      this.issued.refreshTokens.push(refreshToken);
      out.refreshToken = refreshToken;
    }
    return out;
  }

  /** Registers a client. */
  registerClient(
    input: Omit<FakeClientRegistration, "clientId" | "issuedAt" | "expiresAt">,
  ): ClientRecord {
    const issuedAt = Math.floor(this.now() / 1000);
    const record: ClientRecord = {
      ...input,
      clientId: randomString(22),
      clientSecret: `cs${randomString(120)}`,
      issuedAt,
      expiresAt: issuedAt + this.config.clientSecretTtlSeconds,
    };
    this.clients.set(record.clientId, record);
    this.issued.clientSecrets.push(record.clientSecret);
    return record;
  }

  /** The session of a live access token, or undefined if unknown, expired or logged out. */
  sessionOf(accessToken: string | null): number | undefined {
    if (!accessToken) return undefined;
    const record = this.accessTokens.get(accessToken);
    if (!record || record.expiresAt <= this.now()) return undefined;
    return this.sessions[record.sessionId]?.ended ? undefined : record.sessionId;
  }

  /** Issues role credentials for an account and role. */
  issueRoleCredentials(accountId: string, roleName: string): RoleCredentialRecord {
    const record: RoleCredentialRecord = {
      accessKeyId: `ASIA${randomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
      secretAccessKey: randomString(40, BASE64URL_CHARS.slice(0, 62) + "+/"),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomString(380, BASE64URL_CHARS.slice(0, 62) + "+/")}`,
      expiration: this.now() + this.config.roleCredentialsTtlSeconds * 1000,
      accountId,
      roleName,
    };
    this.roleCredentials.set(record.accessKeyId, record);
    this.issued.secretAccessKeys.push(record.secretAccessKey);
    this.issued.sessionTokens.push(record.sessionToken);
    return record;
  }

  /** Approves (or denies) pending device authorizations: one by user code, or all. */
  decideDevices(approve: boolean, userCode?: string): number {
    let n = 0;
    for (const device of this.devices.values()) {
      if (device.status !== "pending" || (userCode !== undefined && device.userCode !== userCode)) {
        continue;
      }
      device.status = approve ? "approved" : "denied";
      n++;
    }
    return n;
  }
}

/**
 * The 16 hex characters AWS appends to `AWSReservedSSO_{PermissionSet}_`, derived from the account
 * and role so they are stable.
 */
export function reservedRoleSuffix(accountId: string, roleName: string): string {
  return createHash("sha256").update(`${accountId}/${roleName}`).digest("hex").slice(0, 16);
}

/** A stable `AROA…` role id for an account and role. */
export function roleId(accountId: string, roleName: string): string {
  const digest = createHash("sha256").update(`role-id/${accountId}/${roleName}`).digest();
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let out = "AROA";
  for (let i = 0; i < 17; i++) out += alphabet[(digest[i] ?? 0) % 32];
  return out;
}
