import { createHmac } from 'node:crypto';
import { newSecret } from '../ids.js';

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
export interface OfferStore {
  create(offer: CreatedOffer): Promise<void>;
  /** The configurations of an offer to serve at `credential_offer_uri`, once; undefined if unknown, served already, or expired. */
  serveOnce(offerId: string, now: number): Promise<string[] | undefined>;
  /** The configurations an issuer_state was offered for, consuming it; undefined if unknown, used or expired. */
  consume(issuerState: string, now: number): Promise<string[] | undefined>;
  close(): Promise<void>;
}

/**
 * The issuer_state of an offer, derived from its id under a key from the master secret
 * (HMAC-SHA256), so no store ever holds it in clear (hardening §3): the offer is rebuilt
 * when served, and the challenge finds it by hash.
 */
export class IssuerStates {
  constructor(private readonly key: Uint8Array) {}

  of(offerId: string): string {
    return createHmac('sha256', this.key).update(offerId).digest('base64url');
  }

  newOffer(credentialConfigurationIds: string[], now: number, lifetimeSeconds: number): CreatedOffer {
    const offerId = newSecret();
    return { offerId, issuerState: this.of(offerId), credentialConfigurationIds, expiresAt: now + lifetimeSeconds * 1000 };
  }
}
