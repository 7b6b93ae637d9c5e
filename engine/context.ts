import type { Dialect, PresentationRequest } from './events.js';

/** A bearer secret the session holds only as a hash, with the time it stops being accepted. */
export interface Expiring {
  hash: string;
  expiresAt: number;
}

/** What the session knows after folding its events: facts only, no secrets in clear. */
export interface SessionContext {
  sessionId: string;
  /** The dialect that opened the session (issue 13): its follow-ups must come the same way. */
  dialect: Dialect;
  /** Time of the newest event: time never runs backwards inside a stream. */
  lastAt: number;
  clientId: string;
  credentialConfigurationIds: string[];
  authorizationDetails?: boolean;
  /** Per configuration, the only claims the wallet asked for (OpenID4VCI §5.1.1); absent: every configured claim. */
  claimSubsets?: Record<string, string[]>;
  issuerState?: string;
  /** The keys that opened the session (FiPA §9.6.1, ABCA): every later call must prove the same. */
  dpopJkt: string;
  attestationJkt?: string;
  codeChallenge?: string;
  redirectUri?: string;
  /** RFC 6749 §4.1.2: the client's `state`, for the browser step's redirect. */
  clientState?: string;
  /** S1/S2/S3: the wallet offered the dialect's browser step (absent: it did not, and every session before issue 13). */
  browserStepOffered?: true;
  /** The pushed request_uri of the browser step, once offered (protocol-ia.md §5). */
  browserStep?: Expiring;
  /** Issue 15: the browser step under way: its page's handle and where it redirects at the end. */
  browser?: { page: Expiring; redirectUri: string };
  authSessionHash: string;
  sessionExpiresAt: number;
  holderContinuity: boolean;
  maxPresentationAttempts: number;
  /** Most proofs (so credentials) per credential request: the batch_size, 1 without batch issuance. */
  batchSize: number;
  /** The current OpenID4VP transaction; earlier ones are dead (their nonces refused). */
  request: PresentationRequest & { retrieved: boolean };
  presentationAttempts: number;
  walletError?: { error: string; sealedErrorDescription?: string };
  presentation?: {
    holderJkt: string;
    credentialDigest: string;
    vct: string;
    credentialIssuer: string;
    sealedClaims: string;
  };
  pdis?: Expiring;
  code?: Expiring;
  token?: Expiring;
  /** Outstanding c_nonces by hash → deadline; a used one is removed (single use). */
  cNonces: Record<string, number>;
  /** Credentials issued per credential configuration. */
  issued: Record<string, number>;
}

/** The context before the first event; ChallengeReceived replaces every field. */
export const EMPTY_CONTEXT: SessionContext = {
  sessionId: '',
  dialect: 'L',
  lastAt: 0,
  clientId: '',
  credentialConfigurationIds: [],
  dpopJkt: '',
  authSessionHash: '',
  sessionExpiresAt: 0,
  holderContinuity: false,
  maxPresentationAttempts: 0,
  batchSize: 1,
  request: { requestId: '', nonce: '', state: '', verifierClientId: '', expiresAt: 0, retrieved: false },
  presentationAttempts: 0,
  cNonces: {},
  issued: {},
};
