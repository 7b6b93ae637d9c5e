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

/** Every store the issuer needs, closed together (each preset builds one: SQLite, NATS JetStream; or an embedder's own). */
export interface IssuerStores extends ReadinessProbe {
  events: EventStore;
  replay: ReplayCache;
  sessionKeys: SessionKeys;
  offers: OfferStore;
  close(): Promise<void>;
}
