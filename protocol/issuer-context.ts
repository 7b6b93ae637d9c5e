import type { JWK } from 'jose';
import type { Config } from '../config/schema.js';
import type { Engine } from '../engine/index.js';
import type { CNonceCodec } from '../adapters/jose/c-nonce.js';
import type { KeyRing } from '../adapters/jose/keyring.js';
import type { ReplayCache } from '../adapters/replay/replay-cache.js';
import type { ClaimSealer } from '../adapters/seal/claim-sealer.js';
import type { TrustedIssuers } from '../adapters/trust/trusted-issuers.js';
import type { OfferStore } from '../adapters/offers/offer-store.js';

/** Everything the protocol handlers use: the engine and the adapters, and the clock. */
export interface IssuerContext {
  config: Config;
  engine: Engine;
  keyRing: KeyRing;
  replay: ReplayCache;
  trustedIssuers: TrustedIssuers;
  trustedAttesters: (issuer: string) => Promise<JWK[]>;
  sealer: ClaimSealer;
  cNonces: CNonceCodec;
  offers: OfferStore;
  now: () => number;
}

/** The endpoint URLs, all under the public base URL (the issuer identifier). */
export function endpoints(config: Config) {
  const base = config.publicUrl;
  return {
    issuer: base,
    challenge: `${base}/authorize-challenge`,
    token: `${base}/token`,
    nonce: `${base}/nonce`,
    credential: `${base}/credential`,
    requestObject: (requestId: string) => `${base}/verifier/request/${requestId}`,
    response: (requestId: string) => `${base}/verifier/response/${requestId}`,
    offer: (offerId: string) => `${base}/offers/${offerId}`,
  };
}
