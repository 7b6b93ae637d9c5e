import type { EventStore } from '../../engine/index.js';

/**
 * Issue 12 §4 (readiness): a store that answers and, where it writes, can write; `ready`
 * throws when not. Cheap enough to run on every probe of an orchestrator.
 */
export interface ReadinessProbe {
  ready(): Promise<void>;
}

/** The ports of the state outside the event log (the event store port is the engine's, `engine/store.ts`). Memory, SQLite and JetStream implement them. */

/**
 * Single-use values (DPoP `jti`, attestation PoP `jti`, c_nonce): `useOnce` records a key
 * until `expiresAt` and answers true only for its first use. Atomic, so of two concurrent
 * uses exactly one wins.
 */
export interface ReplayCache extends ReadinessProbe {
  useOnce(key: string, expiresAt: number, now: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Where each session's claim-sealing key lives, outside the event log; erasing it destroys the sealed claims for good. */
export interface SessionKeys extends ReadinessProbe {
  /** The session's key; created on first use when `create` is set; undefined once erased (or never made). */
  keyFor(sessionId: string, create: boolean): Promise<Uint8Array | undefined>;
  erase(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

export interface CreatedOffer {
  offerId: string;
  issuerState: string;
  credentialConfigurationIds: string[];
  expiresAt: number;
}

/**
 * Credential offers (OpenID4VCI §4.1) with an authorization_code grant carrying
 * `issuer_state`. An offer by reference is served once; its issuer_state binds one
 * challenge (single use, until expiry). Stores keep the issuer_state only as its hash: the
 * offer served by reference is rebuilt with the issuer_state derived from its id (`IssuerStates`).
 */
export interface OfferStore extends ReadinessProbe {
  create(offer: CreatedOffer): Promise<void>;
  /** The configurations of an offer to serve at `credential_offer_uri`, once; undefined if unknown, served already, or expired. */
  serveOnce(offerId: string, now: number): Promise<string[] | undefined>;
  /** The configurations an issuer_state was offered for, consuming it; undefined if unknown, used or expired. */
  consume(issuerState: string, now: number): Promise<string[] | undefined>;
  close(): Promise<void>;
}

/** IETF Token Status List values (draft-ietf-oauth-status-list §7.1): VALID, INVALID (revoked, final), SUSPENDED. */
export const CREDENTIAL_STATUS = { valid: 0, revoked: 1, suspended: 2 } as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUS)[keyof typeof CREDENTIAL_STATUS];

/** One issued credential's place in our status lists (I-30): whoever holds the credential can read it there. */
export interface StatusEntry {
  list: number;
  idx: number;
  sessionId: string;
}

/** Whose credentials a status change is for: every credential of a session, or the one at an entry. */
export type StatusTarget = { sessionId: string } | { list: number; idx: number };

/**
 * The status of the credentials we issue (I-30), shared by every instance: entries claimed at
 * random indices of the current list, statuses set by the admin, read per list to serve it.
 */
export interface StatusStore extends ReadinessProbe {
  /** The list new entries go into (the first is 0). */
  currentList(): Promise<number>;
  /** Moves on from `full` unless another instance did already; answers the list now current. */
  nextList(full: number): Promise<number>;
  /** Claims an index for a credential: false when it is taken. */
  claim(entry: StatusEntry): Promise<boolean>;
  /**
   * Sets the status of the target's entries, a revoked one staying revoked; answers the entries changed.
   * For a session it is also remembered first (`sessionStatus`), so an entry claimed meanwhile or later gets it too.
   */
  setStatus(target: StatusTarget, status: CredentialStatus): Promise<StatusEntry[]>;
  /** The status last set for a whole session (VALID when none): what its credentials issued from now on start with. */
  sessionStatus(sessionId: string): Promise<CredentialStatus>;
  /** The indices of `list` whose status is not VALID. */
  changed(list: number): Promise<Array<{ idx: number; status: CredentialStatus }>>;
  close(): Promise<void>;
}

/** Every store the issuer needs, closed together (each preset builds one: SQLite, NATS JetStream; or an embedder's own). */
export interface IssuerStores extends ReadinessProbe {
  events: EventStore;
  replay: ReplayCache;
  sessionKeys: SessionKeys;
  offers: OfferStore;
  status: StatusStore;
  close(): Promise<void>;
}
