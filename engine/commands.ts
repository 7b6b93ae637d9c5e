import type { CallerProof, Dialect } from './events.js';

/**
 * What a transport asks of the engine, after the adapters did the cryptography:
 * every value is resolved (hashes of bearer secrets, key thumbprints, facts found
 * in verified JWTs) and every generated value (event id, handles, nonces) is given.
 * The engine adds deadlines from its configured lifetimes.
 */
interface Routed {
  eventId: string;
  sessionId: string;
  at: number;
}

export interface NewPresentationRequest {
  requestId: string;
  nonce: string;
  state: string;
  verifierClientId: string;
  /** S1/S2/S3: the key-binding JWT audiences this request accepts (protocol-ia.md §11). */
  audiences?: string[];
}

/** What the adapter verified of a presentation carried inside a follow-up (S1/S2/S3). */
export interface CarriedPresentation {
  requestId: string;
  holderJkt: string;
  kbNonce: string;
  kbAud: string;
  credentialDigest: string;
  vct: string;
  credentialIssuer: string;
  sealedClaims: string;
}

/** The endpoint a follow-up came to: the challenge endpoint serves L and S3, the IAE S1 and S2. */
export type FollowUpEndpoint = 'challenge' | 'iae';

export interface StartChallenge extends Routed {
  type: 'StartChallenge';
  /** Absent: L. */
  dialect?: Dialect;
  clientId: string;
  scope?: string;
  credentialConfigurationIds: string[];
  authorizationDetails?: boolean;
  claimSubsets?: Record<string, string[]>;
  issuerState?: string;
  dpopJkt: string;
  attestationJkt?: string;
  codeChallenge?: string;
  redirectUri?: string;
  state?: string;
  browserStepOffered?: boolean;
  /** Issue 15: the wallet offered only the browser step: the hash of the request_uri of the first answer. */
  browserStep?: { requestUriHash: string };
  authSessionHash: string;
  request: NewPresentationRequest;
}

/** Every follow-up call to the challenge endpoint: with a pdis it asks for a code, without it retries. */
export interface ContinueChallenge extends Routed {
  type: 'ContinueChallenge';
  caller: CallerProof;
  /** The client_id the call sent, if any (as the session's pseudonym). */
  clientId?: string;
  endpoint: FollowUpEndpoint;
  /** L: the pdis the verifier handed out. */
  pdisHash?: string;
  /** S1/S2/S3: the presentation the follow-up carried. */
  presentation?: CarriedPresentation;
  codeHash: string;
  /** Used only if the policy asks for a new presentation: the rotated auth_session and the new request. */
  retry: { authSessionHash: string; request: NewPresentationRequest };
  /** S1/S2/S3, used only if the policy asks for the browser step: the hash of the pushed request_uri (the rotated auth_session is `retry`'s). */
  browserStep?: { requestUriHash: string };
}

export interface RetrieveRequestObject extends Routed {
  type: 'RetrieveRequestObject';
  requestId: string;
}

/** L: the presentation the verifier's response_uri received, with its `state`; it earns a pdis. */
export interface SubmitPresentation extends Routed, CarriedPresentation {
  type: 'SubmitPresentation';
  state: string;
  pdisHash: string;
}

/** The wallet's error: at the response_uri (L, with `state`) or inside a challenge follow-up (with the `caller`'s proof). */
export interface SubmitWalletError extends Routed {
  type: 'SubmitWalletError';
  requestId: string;
  state?: string;
  caller?: CallerProof;
  error: string;
  sealedErrorDescription?: string;
}

/**
 * Issue 15: the authorization endpoint resolved the session's pushed request_uri (RFC 9126 §4) for the
 * client it was pushed for: the browser's page gets a handle and a new OpenID4VP request by reference.
 */
export interface StartBrowserStep extends Routed {
  type: 'StartBrowserStep';
  requestUriHash: string;
  pageHash: string;
  request: NewPresentationRequest;
  redirectUri: string;
}

/** Issue 15: the browser step's page asks how it ends: the code once the presentation is verified, a refusal once it failed. */
export interface CompleteBrowserStep extends Routed {
  type: 'CompleteBrowserStep';
  pageHash: string;
  codeHash: string;
}

export interface RedeemCode extends Routed {
  type: 'RedeemCode';
  codeHash: string;
  /** The client_id the call sent, if any (as the session's pseudonym). */
  clientId?: string;
  dpopJkt: string;
  attestationJkt?: string;
  verifierChallenge?: string;
  redirectUri?: string;
  tokenHash: string;
}

/** At the credential endpoint: bind the c_nonce the key proofs carry to this session (single use). */
export interface BindCNonce extends Routed {
  type: 'BindCNonce';
  tokenHash: string;
  dpopJkt: string;
  nonceHash: string;
}

export interface IssueCredential extends Routed {
  type: 'IssueCredential';
  tokenHash: string;
  dpopJkt: string;
  credentialConfigurationId: string;
  /** The request named its credential by `credential_identifier` (OpenID4VCI §8.2), not by configuration id. */
  byIdentifier?: boolean;
  nonceHash: string;
  holderJkts: string[];
  credentialDigests: string[];
}

/** From the scheduler: end the session if its current deadline has passed. */
export interface Expire extends Routed {
  type: 'Expire';
}

/** From the admin API: end the session for erasure (seed 002 §3.3). */
export interface Erase extends Routed {
  type: 'Erase';
}

export type Command =
  | StartChallenge
  | ContinueChallenge
  | RetrieveRequestObject
  | SubmitPresentation
  | SubmitWalletError
  | StartBrowserStep
  | CompleteBrowserStep
  | RedeemCode
  | BindCNonce
  | IssueCredential
  | Expire
  | Erase;
