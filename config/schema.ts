import { z } from 'zod';
import { LogSettings, MetricsSettings } from './operations-settings.js';
import { TrustedIssuer } from '../adapters/trust/trusted-issuers.js';
import { PidStatusSettings, TrustSettings } from './trust-settings.js';
import { InteractiveSettings } from './interactive-settings.js';
import { NatsSettings } from './nats-settings.js';
import { Pkcs11Settings } from './pkcs11-settings.js';
import { IssuedStatusSettings } from './status-settings.js';
import { CredentialEncryptionSettings, KeyAttestationPolicy, KeyAttestationSettings } from './issuance-settings.js';

export {
  InteractiveSettings,
  IssuedStatusSettings,
  KeyAttestationPolicy,
  LogSettings,
  MetricsSettings,
  NatsSettings,
  Pkcs11Settings,
};

const positiveInt = z.number().int().positive();
/** A duration in whole seconds. */
const seconds = positiveInt;

/** What the new credential is made of: the presentation it requires and how claims map into it. */
export const CredentialConfiguration = z.strictObject({
  vct: z.string().min(1).describe('The `vct` (credential type) of the issued SD-JWT VC.'),
  scope: z.string().min(1).describe('The OAuth scope a wallet asks for this credential with.'),
  name: z.string().default('Credential').describe('Display name in the credential issuer metadata.'),
  requires: z
    .strictObject({
      vctValues: z
        .array(z.string().min(1))
        .min(1)
        .describe('The accepted `vct` values of the presented credential (the DCQL query asks for one of them).'),
      claims: z
        .array(z.string().min(1))
        .min(1)
        .describe('The claims the presentation must disclose; a presentation without one is refused.'),
    })
    .describe('The credential the wallet must present first (by default an SD-JWT VC PID).'),
  claimMapping: z
    .record(z.string(), z.string())
    .describe('New claim name → claim name in the verified presentation, whose value it copies.'),
  disclosable: z
    .array(z.string())
    .default([])
    .describe('Claims of the new credential that are selectively disclosable; the others are always disclosed.'),
  lifetimeSeconds: seconds
    .default(30 * 24 * 3600)
    .describe(
      'Validity of an issued credential (its `exp` is this long after issuance); 30 days by default, since a credential can also be revoked through its status list entry (I-30).',
    ),
  keyAttestation: KeyAttestationPolicy.optional().describe(
    'Key attestations (OpenID4VCI 1.0 App. D) for this credential: whether required, and the levels accepted. Unset: not required, a `key_attestation` header is not evaluated; the `attestation` proof type is still accepted from a trusted key attester.',
  ),
});
export type CredentialConfiguration = z.infer<typeof CredentialConfiguration>;

/** The Node server's limits: slow headers, slow whole requests (a trickled body), idle keep-alive, open connections. */
export const HttpLimits = z
  .strictObject({
    headersTimeoutMs: positiveInt
      .default(10_000)
      .describe('A request whose headers take longer is cut off (slow headers); at most requestTimeoutMs.'),
    requestTimeoutMs: positiveInt
      .default(30_000)
      .describe('A request whose whole body takes longer is cut off (a trickled body).'),
    keepAliveTimeoutMs: positiveInt.default(5_000).describe('An idle keep-alive connection is closed after this long.'),
    maxConnections: positiveInt.default(1024).describe('Open connections beyond this many are refused.'),
  })
  .refine((limits) => limits.headersTimeoutMs <= limits.requestTimeoutMs, {
    message: 'headersTimeoutMs must not exceed requestTimeoutMs',
  });
export type HttpLimits = z.infer<typeof HttpLimits>;

/** A browser origin, `scheme://host[:port]` exactly as a browser sends it in `Origin` (RFC 6454 §6.1). */
const Origin = z.string().refine((origin) => {
  try {
    const url = new URL(origin);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin;
  } catch {
    return false;
  }
}, 'must be an origin scheme://host[:port] (http or https, lower case, no path, no trailing slash)');

export const Config = z.strictObject({
  port: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(3000)
    .describe('The TCP port of the Node server (0: any free port).'),
  publicUrl: z
    .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL such as https://issuer.example' })
    .refine((url) => !url.includes('?') && !url.includes('#'), 'must have no query or fragment')
    .transform((url) => url.replace(/\/+$/, ''))
    .describe(
      'The issuer identifier: an absolute http(s) URL without query or fragment, trailing slashes removed (OpenID4VCI §12.2.1); `loadConfig` defaults it to `http://localhost:<port>`.',
    ),
  demo: z
    .boolean()
    .default(false)
    .describe(
      'Trust the demo PID provider whose key is kept in the data directory: only when asked for (`npm start` passes `--demo`).',
    ),
  dataDir: z
    .string()
    .min(1)
    .default('./data')
    .describe('The directory of the key file and the SQLite files (created 0700, every file 0600).'),
  bodyLimitBytes: positiveInt.default(64 * 1024).describe('Largest request body accepted by any endpoint.'),
  http: HttpLimits.prefault({}).describe(
    'The Node server’s limits: slow headers, slow whole requests (a trickled body), idle keep-alive, open connections.',
  ),
  strictSeedParameters: z
    .boolean()
    .default(false)
    .describe(
      'Refuse `request_uri`, `response_type`, `code_challenge` and `code_challenge_method` on the challenge, as the seed says (by default `response_type` absent or `code` and S256 PKCE are accepted).',
    ),
  walletAttestation: z
    .strictObject({
      required: z
        .boolean()
        .default(false)
        .describe(
          'Refuse a challenge without a valid wallet attestation (OAuth 2.0 Attestation-Based Client Authentication).',
        ),
      trustedAttesters: z
        .array(TrustedIssuer)
        .default([])
        .describe('The wallet providers whose attestations are accepted, each with its public keys.'),
    })
    .prefault({})
    .describe('Wallet attestation: whether it is required and whose is accepted.'),
  keyAttestation: KeyAttestationSettings,
  credentialResponseEncryption: CredentialEncryptionSettings,
  trustedIssuers: TrustSettings,
  verifier: z
    .strictObject({
      clientIdPrefix: z
        .enum(['x509_san_dns', 'x509_hash', 'redirect_uri'])
        .default('x509_san_dns')
        .describe('The client identifier prefix of the signed request object (OpenID4VP §5.9).'),
      responseMode: z
        .enum(['direct_post', 'direct_post.jwt'])
        .default('direct_post')
        .describe('How the wallet posts its presentation: plain form, or encrypted to the verifier (JWE).'),
      allowPidWithoutExp: z
        .boolean()
        .default(false)
        .describe('Accept a presented PID without `exp` (refused by default: a PID’s validity must be bounded).'),
      clockToleranceSeconds: z
        .number()
        .int()
        .min(0)
        .max(300)
        .default(30)
        .describe('Clock skew allowed for the PID’s and the key-binding JWT’s `nbf`, `exp` and `iat`.'),
      pidStatus: PidStatusSettings,
    })
    .prefault({})
    .describe('The OpenID4VP verifier that asks for the PID.'),
  interactiveAuthorization: InteractiveSettings,
  credentialConfigurations: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.:~-]{1,128}$/, 'a credential configuration id is 1–128 of A–Z a–z 0–9 _ . : ~ -'),
      CredentialConfiguration,
    )
    .transform((configurations) =>
      Object.assign(Object.create(null) as Record<string, CredentialConfiguration>, configurations),
    )
    .describe(
      'The credentials issued, by credential configuration id. Kept without a prototype, so that a requested id is only ever one configured here: `constructor`, `__proto__` or `toString` name nothing (issue 10 §5). `loadConfig` defaults it to the demo membership card.',
    ),
  lifetimes: z
    .strictObject({
      session: seconds.default(600).describe('An `auth_session`, from its first challenge call.'),
      request: seconds.default(300).describe('A presentation request (request object).'),
      pdis: seconds.default(300).describe('A `presentation_during_issuance_session`, from the verified presentation.'),
      code: seconds.default(60).describe('An authorization code.'),
      token: seconds.default(300).describe('A DPoP-bound access token.'),
      cNonce: seconds.default(60).describe('A `c_nonce` for key proofs.'),
      offer: seconds.default(600).describe('A credential offer (its `issuer_state`).'),
    })
    .prefault({})
    .describe('How long each bearer artefact is valid, in seconds.'),
  policy: z
    .strictObject({
      holderContinuity: z
        .boolean()
        .default(false)
        .describe(
          'Every key proof must use the key the presented PID is bound to (simplest assurance, fully linkable).',
        ),
      maxPresentationAttempts: z
        .number()
        .int()
        .min(1)
        .max(10)
        .default(3)
        .describe('Presentation requests per session; once used up the session is denied, whatever the policy.'),
      afterWalletError: z
        .enum(['new_request', 'redirect_to_web', 'access_denied'])
        .default('new_request')
        .describe(
          'After a wallet error or an expired request: a new presentation request, the browser step (L: the redirect_to_web error; S1/S2/S3: a pushed request_uri, only to a wallet that offered the step with PKCE, else denial), or denial.',
        ),
      batchSize: z
        .number()
        .int()
        .min(2)
        .max(16)
        .optional()
        .describe(
          'Batch issuance (OpenID4VCI §12.2.4): up to this many key proofs, so credentials, per request; unset: one.',
        ),
    })
    .prefault({})
    .describe('Issuance policy: holder binding, retries, batches.'),
  statusList: IssuedStatusSettings,
  dpop: z
    .strictObject({
      maxAgeSeconds: seconds.default(60).describe('How old a DPoP proof’s `iat` may be (RFC 9449 §11.1).'),
    })
    .prefault({})
    .describe('DPoP proofs (RFC 9449).'),
  nats: NatsSettings.optional().describe(
    'NATS (docs/nats.md): with `url` set, the event log, replay cache, session keys and offers live in JetStream (several engine processes serve one flow). A connection must authenticate with one of user/pass, token, nkeySeedFile, credsFile or a TLS client certificate, unless `allowUnauthenticated`.',
  ),
  pkcs11: Pkcs11Settings.optional().describe('Signing keys on a PKCS#11 token (HSM) instead of the key file.'),
  rateLimits: z
    .strictObject({
      sessionsPerMinutePerAddress: positiveInt
        .default(3000)
        .describe('New sessions (first challenge calls) per client address per minute.'),
      sessionsPerMinutePerKey: positiveInt.default(60).describe('New sessions per DPoP key per minute.'),
      adminFailuresPerMinute: positiveInt
        .default(5)
        .describe('Failed admin-API attempts per client address per minute.'),
    })
    .prefault({})
    .describe('Issue 10 §4: rate limits, per process and per minute.'),
  retention: z
    .strictObject({
      endedSessionSeconds: seconds
        .default(7 * 24 * 3600)
        .describe(
          'Issue 10 §4: an ended session is compacted to a minimal audit record, its key destroyed, this long after it ended (SQLite store).',
        ),
    })
    .prefault({})
    .describe('Retention of ended sessions.'),
  cors: z
    .strictObject({
      origins: z
        .array(Origin)
        .default([])
        .describe(
          'Origins (scheme://host[:port]) whose scripts may call the challenge, verifier, token, nonce and credential endpoints; empty: none. The well-known documents and offers answer any origin; the admin API never.',
        ),
    })
    .prefault({})
    .describe('Cross-origin access (CORS) for browser wallets.'),
  log: LogSettings,
  metrics: MetricsSettings,
  console: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .describe('Issue 15 §2: the session console under `/admin/console/` (served only when `adminToken` is set).'),
      idleSeconds: seconds
        .default(1800)
        .describe('A console login (kept in memory by the instance that made it) ends after this long without use.'),
    })
    .prefault({})
    .describe('The session console: an admin web UI behind a login with the admin token.'),
  adminToken: z
    .string()
    .min(16)
    .optional()
    .describe('Bearer token for the admin API (credential offers, erasure); the admin API is off when unset.'),
});
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;
