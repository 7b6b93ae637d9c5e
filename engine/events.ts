import { z } from 'zod';

/**
 * The facts of one auth_session stream, each in one envelope: `type`, its facts in `data`,
 * and `meta` (the schema version, the event's unique id, its session and the time it
 * happened, epoch ms). Every generated value is in the facts, so folding a stream is
 * deterministic. Bearer secrets (auth_session, pdis, code, access token, c_nonce) appear
 * only as hashes; presented claims only sealed. Older stored shapes are upcast to this one
 * before they are parsed (`upcast.ts`).
 */
export const SCHEMA_VERSION = 2;

const id = z.string().min(1).max(256);
const hash = z.string().min(16).max(128);
const jkt = z.string().min(16).max(128);
const time = z.number().int().nonnegative();

export const EventMeta = z.object({
  v: z.literal(SCHEMA_VERSION),
  id,
  sessionId: id,
  at: time,
});
export type EventMeta = z.infer<typeof EventMeta>;

function event<T extends string, D extends z.ZodRawShape>(type: T, data: D) {
  return z.object({ type: z.literal(type), data: z.object(data), meta: EventMeta });
}

/**
 * The wire dialect that opened the session (issue 13; protocol-ia.md §0, §7): the seed's flow
 * `L`, the Interactive Authorization Endpoint with bare (`S1`) or URN (`S2`) type names, and
 * Interactive Authorization on the challenge endpoint (`S3`). Its follow-ups must come the same way.
 * `B` (issue 15): the browser flow, an RFC 6749 code flow started by a pushed authorization request
 * (RFC 9126) that goes straight to the browser step; it has no follow-ups.
 */
export const Dialect = z.enum(['L', 'S1', 'S2', 'S3', 'B']);
export type Dialect = z.infer<typeof Dialect>;

/** What a challenge-endpoint call proved: the auth_session it presented and the keys it used. */
export const CallerProof = z.object({
  authSessionHash: hash,
  dpopJkt: jkt,
  attestationJkt: jkt.optional(),
});
export type CallerProof = z.infer<typeof CallerProof>;

/** One OpenID4VP transaction run by the issuer's verifier for this session. */
export const PresentationRequest = z.object({
  requestId: id,
  nonce: z.string().min(16).max(256),
  state: z.string().min(16).max(256),
  verifierClientId: z.string().min(1).max(2048),
  /** S1/S2/S3: the key-binding JWT audiences accepted (protocol-ia.md §4, §11); absent in L, where only verifierClientId is. */
  audiences: z.array(z.string().min(1).max(2048)).min(1).max(8).optional(),
  expiresAt: time,
});
export type PresentationRequest = z.infer<typeof PresentationRequest>;

const expiring = z.object({ hash, expiresAt: time });

export const ChallengeReceived = event('ChallengeReceived', {
  /** Absent: `L`, as in every session opened before the dialects existed. */
  dialect: Dialect.optional(),
  clientId: z.string().min(1).max(256),
  scope: z.string().max(1024).optional(),
  credentialConfigurationIds: z.array(id).min(1).max(16),
  /** The configurations were asked for with authorization_details (RFC 9396), so the token response lists them. */
  authorizationDetails: z.boolean().optional(),
  /** Per configuration, the only claims the wallet asked for in authorization_details (OpenID4VCI §5.1.1). */
  claimSubsets: z.record(id, z.array(z.string().min(1).max(256)).min(1).max(64)).optional(),
  issuerState: z.string().max(1024).optional(),
  dpopJkt: jkt,
  attestationJkt: jkt.optional(),
  codeChallenge: z.string().min(43).max(128).optional(),
  redirectUri: z.string().max(2048).optional(),
  /** RFC 6749 §4.1.1: the client's `state`, echoed in the browser step's redirect (issue 15). */
  state: z.string().min(1).max(512).optional(),
  /**
   * Issue 15: the wallet offered only the browser step, so the session starts there: the request_uri
   * pushed in the first answer (protocol-ia.md §5), single use and expiring.
   */
  browserStep: expiring.optional(),
  /** S1/S2/S3: the wallet offered the dialect's browser step (`redirect_to_web`, `auth_via_web`; protocol-ia.md §5). */
  browserStepOffered: z.boolean().optional(),
  authSessionHash: hash,
  sessionExpiresAt: time,
  policy: z.object({
    holderContinuity: z.boolean(),
    maxPresentationAttempts: z.number().int().min(1).max(10),
    /** The advertised batch_size (OpenID4VCI §12.2.4); absent: one proof per request. */
    batchSize: z.number().int().min(2).max(16).optional(),
  }),
  request: PresentationRequest,
});

export const PresentationRequested = event('PresentationRequested', {
  caller: CallerProof,
  rotatedAuthSessionHash: hash,
  request: PresentationRequest,
});

export const RequestObjectRetrieved = event('RequestObjectRetrieved', {
  requestId: id,
});

/**
 * The decisive fact of every dialect: a presentation verified for this session's current
 * request and nonce. In L it came to the verifier's response_uri (with `state`) and earns a
 * `pdis`; in S1/S2/S3 it came inside the follow-up (with the `caller`'s proof) and earns the
 * authorization `code` at once.
 */
export const PresentationVerified = event('PresentationVerified', {
  requestId: id,
  /** L: the `state` the wallet returned with its response. */
  state: z.string().max(256).optional(),
  caller: CallerProof.optional(),
  holderJkt: jkt,
  kbNonce: z.string().max(256),
  kbAud: z.string().max(2048),
  credentialDigest: hash,
  vct: z.string().max(2048),
  credentialIssuer: z.string().max(2048),
  sealedClaims: z.string().max(65536),
  pdis: expiring.optional(),
  code: expiring.optional(),
});

/** The wallet could not present: at the response_uri (L, with `state`) or in a challenge follow-up (every dialect, with the `caller`'s proof). */
export const WalletErrorReceived = event('WalletErrorReceived', {
  requestId: id,
  state: z.string().max(256).optional(),
  caller: CallerProof.optional(),
  error: z.string().min(1).max(256),
  /** The wallet's free-text error_description, sealed like the claims (seed 002 §3.3): erasure makes it unreadable. */
  sealedErrorDescription: z.string().max(12_000).optional(),
});

/** L (FiPA §5.2.2.1.1): the policy replaced the flow by a browser flow; the session ends here. */
export const RedirectedToWeb = event('RedirectedToWeb', {
  caller: CallerProof,
});

/**
 * S1/S2/S3 (protocol-ia.md §5): the policy sent the wallet to the browser step of this session:
 * a new auth_session and a pushed `request_uri` (RFC 9126 §2.2), single use and expiring, that
 * the authorization endpoint resolves to this session. Only offered with PKCE stored (FiPA §5.2.2.1.1).
 */
export const BrowserStepOffered = event('BrowserStepOffered', {
  caller: CallerProof,
  rotatedAuthSessionHash: hash,
  requestUri: expiring,
});

/**
 * Issue 15: the browser resolved the pushed `request_uri` at the authorization endpoint (RFC 9126 §4):
 * the session continues in that browser, whose page holds a handle of its own (`page`), with a new
 * OpenID4VP transaction by reference to our verifier, and ends in a redirect to `redirectUri`.
 */
export const BrowserStepStarted = event('BrowserStepStarted', {
  requestUriHash: hash,
  page: expiring,
  request: PresentationRequest,
  redirectUri: z.string().min(1).max(2048),
});

export const Denied = event('Denied', {
  /** Absent only when the browser step's page asks (issue 15: a browser holds no DPoP key). */
  caller: CallerProof.optional(),
  /**
   * `no_browser_step`: the policy asked for the browser step, which the wallet did not offer or cannot take without PKCE;
   * `browser_refused`: the presentation of the browser step failed or timed out (RFC 6749 §4.1.2.1 `access_denied`).
   */
  reason: z.enum(['policy', 'attempts_exhausted', 'no_browser_step', 'browser_refused']),
});

export const AuthorizationCodeIssued = event('AuthorizationCodeIssued', {
  /** Absent only when the browser step's page earns the code (issue 15): its handle is then the `pdisHash`. */
  caller: CallerProof.optional(),
  pdisHash: hash,
  code: expiring,
});

export const TokenIssued = event('TokenIssued', {
  codeHash: hash,
  dpopJkt: jkt,
  attestationJkt: jkt.optional(),
  /** S256 of the presented code_verifier, computed by the adapter; absent when none was sent. */
  verifierChallenge: z.string().min(43).max(128).optional(),
  redirectUri: z.string().max(2048).optional(),
  token: expiring,
});

export const GrantRevoked = event('GrantRevoked', {
  codeHash: hash,
  reason: z.literal('code_replay'),
});

/** At the credential endpoint: the c_nonce the key proofs carry is bound to this session, once (OpenID4VCI §7.2). */
export const CNonceBound = event('CNonceBound', {
  tokenHash: hash,
  dpopJkt: jkt,
  nonce: expiring,
});

export const CredentialIssued = event('CredentialIssued', {
  tokenHash: hash,
  dpopJkt: jkt,
  credentialConfigurationId: id,
  nonceHash: hash,
  holderJkts: z.array(jkt).min(1).max(16),
  credentialDigests: z.array(hash).min(1).max(16),
});

export const Expired = event('Expired', {
  deadline: z.enum(['session', 'pdis', 'code', 'token']),
});

/** Seed 002 §3.3: the operator erased the session; it ends here and its sealing key is destroyed. */
export const Erased = event('Erased', {});

export const SessionEvent = z.discriminatedUnion('type', [
  ChallengeReceived,
  PresentationRequested,
  RequestObjectRetrieved,
  PresentationVerified,
  WalletErrorReceived,
  RedirectedToWeb,
  BrowserStepOffered,
  BrowserStepStarted,
  Denied,
  AuthorizationCodeIssued,
  TokenIssued,
  GrantRevoked,
  CNonceBound,
  CredentialIssued,
  Expired,
  Erased,
]);
export type SessionEvent = z.infer<typeof SessionEvent>;
export type EventType = SessionEvent['type'];
export type EventOf<T extends EventType> = Extract<SessionEvent, { type: T }>;
export type DataOf<T extends EventType> = EventOf<T>['data'];
