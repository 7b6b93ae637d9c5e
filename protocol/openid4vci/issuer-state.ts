import { createHmac } from 'node:crypto';
import type { CreatedOffer } from '../../adapters/stores/ports.js';
import type { Ids } from '../ports.js';

/**
 * The issuer_state of an offer, derived from its id under a key from the master secret
 * (HMAC-SHA256), so no store ever holds it in clear (hardening §3): the offer is rebuilt
 * when served, and the challenge finds it by hash.
 */
export class IssuerStates {
  constructor(
    private readonly key: Uint8Array,
    private readonly ids: Ids,
  ) {}

  of(offerId: string): string {
    return createHmac('sha256', this.key).update(offerId).digest('base64url');
  }

  newOffer(credentialConfigurationIds: string[], now: number, lifetimeSeconds: number): CreatedOffer {
    const offerId = this.ids.secret();
    return {
      offerId,
      issuerState: this.of(offerId),
      credentialConfigurationIds,
      expiresAt: now + lifetimeSeconds * 1000,
    };
  }
}
