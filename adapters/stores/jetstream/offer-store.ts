import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { hashSecret } from '../../../protocol/handles.js';
import { TamperedRecord, type RecordMac } from '../../keys/record-mac.js';
import type { CreatedOffer, OfferStore } from '../ports.js';
import { failClearly } from './fail-clearly.js';
import { openBucket, UNLIMITED, type StoreLimits } from './stream-limits.js';

/** The TTL an offer bucket is created with when no limits are given. */
const CREATED: StoreLimits = { ...UNLIMITED, maxAgeSeconds: 24 * 3600 };

/**
 * Credential offers in a JetStream KV bucket shared by every instance (issuer_state only
 * as its hash): serving and
 * consuming take an entry with a revision-checked delete, so only one instance can.
 * Entries are signed (`RecordMac`): one that fails its MAC is never served or consumed.
 * The bucket's TTL (at least the offer lifetime) removes an offer nobody took.
 */
export class JetStreamOfferStore implements OfferStore {
  private constructor(
    private readonly kv: KV,
    private readonly mac: RecordMac,
    private readonly warn: (line: string) => void,
  ) {}

  static async open(
    nc: NatsConnection,
    mac: RecordMac,
    bucket = 'pdi-offers',
    warn: (line: string) => void = console.error,
    limits?: StoreLimits,
  ): Promise<JetStreamOfferStore> {
    return failClearly(new JetStreamOfferStore(await openBucket(nc, bucket, { limits, created: CREATED }), mac, warn));
  }

  private put(key: string, value: unknown) {
    return this.kv.put(key, this.mac.sign(`offer\n${key}`, JSON.stringify(value)));
  }

  private read<T>(key: string, signed: string): (T & { expiresAt: number }) | undefined {
    try {
      return JSON.parse(this.mac.open(`offer\n${key}`, signed)) as T & { expiresAt: number };
    } catch (error) {
      if (!(error instanceof TamperedRecord)) throw error;
      this.warn(`JetStream: offer entry ${key} fails its MAC; refused`);
      return undefined;
    }
  }

  async create(offer: CreatedOffer): Promise<void> {
    const entry = { ids: offer.credentialConfigurationIds, expiresAt: offer.expiresAt };
    await this.put(`offer.${offer.offerId}`, entry);
    await this.put(`state.${hashSecret(offer.issuerState)}`, entry);
  }

  /** Take an entry once: read it, then delete it only if nobody changed it meanwhile. */
  private async take<T>(key: string, now: number): Promise<T | undefined> {
    const entry = await this.kv.get(key);
    if (entry?.operation !== 'PUT') return undefined;
    const value = this.read<T>(key, entry.string());
    if (!value || value.expiresAt <= now) return undefined;
    try {
      await this.kv.delete(key, { previousSeq: entry.revision });
      return value;
    } catch {
      return undefined;
    }
  }

  async serveOnce(offerId: string, now: number): Promise<string[] | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(offerId)) return undefined;
    return (await this.take<{ ids: string[] }>(`offer.${offerId}`, now))?.ids;
  }

  async consume(issuerState: string, now: number): Promise<string[] | undefined> {
    return (await this.take<{ ids: string[] }>(`state.${hashSecret(issuerState)}`, now))?.ids;
  }

  /** Issue 12 §4 (readiness): the bucket answers over the connection. */
  async ready(): Promise<void> {
    await this.kv.status();
  }

  async close(): Promise<void> {}
}
