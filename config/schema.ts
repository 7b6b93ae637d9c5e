import { hostname } from 'node:os';
import { z } from 'zod';
import { LOG_LEVELS } from '../adapters/logging/levels.js';
import { TrustedIssuer } from '../adapters/trust/trusted-issuers.js';

const seconds = z.number().int().positive();

/** What the new credential is made of: the presentation it requires and how claims map into it. */
export const CredentialConfiguration = z.strictObject({
  vct: z.string().min(1),
  scope: z.string().min(1),
  name: z.string().default('Credential'),
  /** The credential the wallet must present first (by default an SD-JWT VC PID). */
  requires: z.strictObject({
    vctValues: z.array(z.string().min(1)).min(1),
    claims: z.array(z.string().min(1)).min(1),
  }),
  /** New claim name → claim name in the verified presentation. */
  claimMapping: z.record(z.string(), z.string()),
  /** Claims of the new credential that are selectively disclosable. */
  disclosable: z.array(z.string()).default([]),
  lifetimeSeconds: seconds.default(365 * 24 * 3600),
});
export type CredentialConfiguration = z.infer<typeof CredentialConfiguration>;

/** The Node server's limits: slow headers, slow whole requests (a trickled body), idle keep-alive, open connections. */
export const HttpLimits = z
  .strictObject({
    headersTimeoutMs: z.number().int().positive().default(10_000),
    requestTimeoutMs: z.number().int().positive().default(30_000),
    keepAliveTimeoutMs: z.number().int().positive().default(5_000),
    maxConnections: z.number().int().positive().default(1024),
  })
  .refine((limits) => limits.headersTimeoutMs <= limits.requestTimeoutMs, {
    message: 'headersTimeoutMs must not exceed requestTimeoutMs',
  });
export type HttpLimits = z.infer<typeof HttpLimits>;

/**
 * NATS: with `url` set, the event log, replay cache, session keys and offers live in
 * JetStream (several engine processes serve one flow); with `serveRequests` the engine
 * also answers protocol requests over NATS request/reply in a queue group. A connection
 * must authenticate (token, user/pass, NKey seed file or creds file) unless
 * `allowUnauthenticated` says otherwise; `tls` adds a CA and an optional client certificate.
 */
export const NatsSettings = z
  .strictObject({
    /** One server URL, or several separated by commas. */
    url: z.string().min(1),
    user: z.string().min(1).optional(),
    pass: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    /** A file holding an NKey seed (`SU…`). */
    nkeySeedFile: z.string().min(1).optional(),
    /** A `.creds` file (user JWT and NKey seed, decentralised auth). */
    credsFile: z.string().min(1).optional(),
    tls: z
      .strictObject({
        caFile: z.string().min(1),
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
      })
      .optional(),
    allowUnauthenticated: z.boolean().default(false),
    /** How long start-up keeps retrying an unreachable server (with backoff) before it fails. */
    connectTimeoutSeconds: z.number().positive().max(3600).default(30),
    subjectPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('pdi'),
    queue: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/)
      .default('pdi-engine'),
    stream: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('PDI_EVENTS'),
    serveRequests: z.boolean().default(true),
    /** This process's name in NATS replies (the `Pdi-Engine-Instance` header); defaults to host name and pid. */
    instance: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,128}$/)
      .default(`${hostname()}-${process.pid}`),
  })
  .refine((nats) => (nats.user === undefined) === (nats.pass === undefined), {
    message: 'user and pass go together',
    path: ['pass'],
  })
  .refine((nats) => (nats.tls?.certFile === undefined) === (nats.tls?.keyFile === undefined), {
    message: 'certFile and keyFile go together',
    path: ['tls', 'keyFile'],
  })
  .refine(
    (nats) => [nats.user, nats.token, nats.nkeySeedFile, nats.credsFile].filter((x) => x !== undefined).length <= 1,
    { message: 'use one of user/pass, token, nkeySeedFile, credsFile' },
  )
  .refine(
    (nats) =>
      nats.allowUnauthenticated ||
      [nats.user, nats.token, nats.nkeySeedFile, nats.credsFile, nats.tls?.certFile].some((x) => x !== undefined),
    {
      message:
        'no NATS credentials: set user/pass, token, nkeySeedFile, credsFile or a TLS client certificate (or allowUnauthenticated: true for a closed test network)',
    },
  );
export type NatsSettings = z.infer<typeof NatsSettings>;

export const Config = z.strictObject({
  port: z.number().int().min(0).max(65535).default(3000),
  /** The issuer identifier: an absolute http(s) URL without query or fragment (OpenID4VCI §12.2.1); defaults to http://localhost:<port>. */
  publicUrl: z
    .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL such as https://issuer.example' })
    .refine((url) => !url.includes('?') && !url.includes('#'), 'must have no query or fragment')
    .transform((url) => url.replace(/\/+$/, '')),
  /** Trust the demo PID provider whose key is kept in the data directory: only when asked for (`npm start` passes --demo). */
  demo: z.boolean().default(false),
  dataDir: z.string().min(1).default('./data'),
  /** Largest request body accepted by any endpoint. */
  bodyLimitBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  http: HttpLimits.prefault({}),
  /** Refuse request_uri, response_type, code_challenge and code_challenge_method on the challenge, as the seed says. */
  strictSeedParameters: z.boolean().default(false),
  walletAttestation: z
    .strictObject({ required: z.boolean().default(false), trustedAttesters: z.array(TrustedIssuer).default([]) })
    .prefault({}),
  /** Issuers whose credentials the verifier accepts: a JWKS file (re-read when it changes), a URL (re-fetched after urlMaxAgeSeconds), inline entries. */
  trustedIssuers: z
    .strictObject({
      file: z.string().optional(),
      url: z.url().optional(),
      urlMaxAgeSeconds: z.number().int().nonnegative().default(60),
      /** Issue 10 §4: the URL's fetch, body included, is given up past this time or size (defaults 5 s, 1 MiB; then it trusts nobody). */
      urlTimeoutMs: z.number().int().positive().optional(),
      urlMaxBytes: z.number().int().positive().optional(),
      issuers: z.array(TrustedIssuer).default([]),
    })
    .prefault({}),
  verifier: z
    .strictObject({
      clientIdPrefix: z.enum(['x509_san_dns', 'x509_hash', 'redirect_uri']).default('x509_san_dns'),
      responseMode: z.enum(['direct_post', 'direct_post.jwt']).default('direct_post'),
      /** Accept a presented PID without `exp` (refused by default: a PID's validity must be bounded). */
      allowPidWithoutExp: z.boolean().default(false),
      /** Clock skew allowed for the PID's and the key-binding JWT's `nbf`, `exp` and `iat`. */
      clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
    })
    .prefault({}),
  /**
   * By credential configuration id. Kept without a prototype, so that a requested id is only
   * ever one configured here: `constructor`, `__proto__` or `toString` name nothing (issue 10 §5).
   */
  credentialConfigurations: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.:~-]{1,128}$/, 'a credential configuration id is 1–128 of A–Z a–z 0–9 _ . : ~ -'),
      CredentialConfiguration,
    )
    .transform((configurations) =>
      Object.assign(Object.create(null) as Record<string, CredentialConfiguration>, configurations),
    ),
  lifetimes: z
    .strictObject({
      session: seconds.default(600),
      request: seconds.default(300),
      pdis: seconds.default(300),
      code: seconds.default(60),
      token: seconds.default(300),
      cNonce: seconds.default(60),
      offer: seconds.default(600),
    })
    .prefault({}),
  policy: z
    .strictObject({
      holderContinuity: z.boolean().default(false),
      maxPresentationAttempts: z.number().int().min(1).max(10).default(3),
      afterWalletError: z.enum(['new_request', 'redirect_to_web', 'access_denied']).default('new_request'),
      /** Batch issuance (OpenID4VCI §12.2.4): up to this many key proofs, so credentials, per request; unset: one. */
      batchSize: z.number().int().min(2).max(16).optional(),
    })
    .prefault({}),
  dpop: z.strictObject({ maxAgeSeconds: seconds.default(60) }).prefault({}),
  nats: NatsSettings.optional(),
  /**
   * Issue 10 §4, per process and per minute: new sessions (first challenge calls) per client
   * address and per DPoP key, and failed admin-API attempts per client address.
   */
  rateLimits: z
    .strictObject({
      sessionsPerMinutePerAddress: z.number().int().positive().default(3000),
      sessionsPerMinutePerKey: z.number().int().positive().default(60),
      adminFailuresPerMinute: z.number().int().positive().default(5),
    })
    .prefault({}),
  /** Issue 10 §4: ended sessions are compacted to a minimal audit record this long after they ended (SQLite store). */
  retention: z.strictObject({ endedSessionSeconds: seconds.default(7 * 24 * 3600) }).prefault({}),
  log: z
    .strictObject({
      level: z
        .enum(LOG_LEVELS)
        .default('info')
        .describe('The lowest level written: info (with one access-log line per request), warn or error'),
    })
    .prefault({})
    .describe('Issue 12 §2: JSON lines on stdout through pino, secrets redacted (docs/operations.md)'),
  metrics: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .describe("Collect Prometheus metrics in this issuer's own registry (never prom-client's global one)"),
      path: z
        .string()
        .regex(/^\/[A-Za-z0-9._~/-]*$/, 'an absolute path such as /metrics')
        .refine((path) => path !== '/healthz' && path !== '/readyz', 'must not be /healthz or /readyz')
        .default('/metrics')
        .describe("Where the metrics are served, at the origin's root (never in place of an issuer endpoint)"),
      port: z
        .number()
        .int()
        .min(1)
        .max(65535)
        .optional()
        .describe('bin/start.ts serves the metrics, /healthz and /readyz on this port of host too, without a token'),
      host: z
        .string()
        .min(1)
        .default('127.0.0.1')
        .describe(
          "The address the metrics port listens on: loopback by default, so only the host's scraper reaches it",
        ),
      requireAdminToken: z
        .boolean()
        .default(true)
        .describe(
          "On the issuer's own port the metrics need the admin bearer token (not served when adminToken is unset); false makes them public there",
        ),
    })
    .prefault({})
    .describe('Issue 12 §4: Prometheus metrics (docs/operations.md lists every metric)'),
  /** Bearer token for the admin API (credential offers); the admin API is off when unset. */
  adminToken: z.string().min(16).optional(),
});
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;
