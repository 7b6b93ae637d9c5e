import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { hashSecret } from '../ids.js';
import { newOffer, type CreatedOffer, type OfferStore } from './offer-store.js';

/**
 * Credential offers in a JetStream KV bucket shared by every instance: serving and
 * consuming take an entry with a revision-checked delete, so only one instance can.
 */
export class JetStreamOfferStore implements OfferStore {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket = 'pdi-offers'): Promise<JetStreamOfferStore> {
    return new JetStreamOfferStore(await new Kvm(nc).create(bucket, { history: 1 }));
  }

  async create(credentialConfigurationIds: string[], now: number, lifetimeSeconds: number, body: (offer: CreatedOffer) => unknown): Promise<CreatedOffer> {
    const offer = newOffer(credentialConfigurationIds, now, lifetimeSeconds);
    await this.kv.put(`body.${offer.offerId}`, JSON.stringify({ body: JSON.stringify(body(offer)), expiresAt: offer.expiresAt }));
    await this.kv.put(`state.${hashSecret(offer.issuerState)}`, JSON.stringify({ ids: credentialConfigurationIds, expiresAt: offer.expiresAt }));
    return offer;
  }

  /** Take an entry once: read it, then delete it only if nobody changed it meanwhile. */
  private async take<T>(key: string, now: number): Promise<T | undefined> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const value = entry.json<T & { expiresAt: number }>();
    if (value.expiresAt <= now) return undefined;
    try {
      await this.kv.delete(key, { previousSeq: entry.revision });
      return value;
    } catch {
      return undefined;
    }
  }

  async serveOnce(offerId: string, now: number): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(offerId)) return undefined;
    return (await this.take<{ body: string }>(`body.${offerId}`, now))?.body;
  }

  async consume(issuerState: string, now: number): Promise<string[] | undefined> {
    return (await this.take<{ ids: string[] }>(`state.${hashSecret(issuerState)}`, now))?.ids;
  }

  async close(): Promise<void> {}
}
