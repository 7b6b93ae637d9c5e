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
 * challenge (single use, until expiry). Only the hash of issuer_state is kept after
 * the offer was served.
 */
export interface OfferStore {
  /** A new offer; `body(offer)` is the offer JSON served once by reference. */
  create(credentialConfigurationIds: string[], now: number, lifetimeSeconds: number, body: (offer: CreatedOffer) => unknown): Promise<CreatedOffer>;
  /** The offer JSON for `credential_offer_uri`, once; undefined if unknown, served already, or expired. */
  serveOnce(offerId: string, now: number): Promise<string | undefined>;
  /** The configurations an issuer_state was offered for, consuming it; undefined if unknown, used or expired. */
  consume(issuerState: string, now: number): Promise<string[] | undefined>;
  close(): Promise<void>;
}

export function newOffer(credentialConfigurationIds: string[], now: number, lifetimeSeconds: number): CreatedOffer {
  return { offerId: newSecret(), issuerState: newSecret(), credentialConfigurationIds, expiresAt: now + lifetimeSeconds * 1000 };
}
