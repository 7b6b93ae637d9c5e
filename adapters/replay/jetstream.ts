import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { hashSecret } from '../ids.js';
import type { ReplayCache } from './replay-cache.js';

/**
 * A cluster-wide replay cache on a JetStream KV bucket: the first use of a key is a KV
 * `create` (create-if-absent), so a value accepted by one engine instance is refused by
 * every other. An expired entry is taken over with a revision-checked `update`, so two
 * instances cannot both reuse it. Keys are stored hashed; the bucket's max age bounds
 * how long entries stay.
 */
export class JetStreamReplayCache implements ReplayCache {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket = 'pdi-replay', maxAgeMs = 24 * 3600 * 1000): Promise<JetStreamReplayCache> {
    return new JetStreamReplayCache(await new Kvm(nc).create(bucket, { history: 1, ttl: maxAgeMs }));
  }

  async useOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    const name = hashSecret(key);
    try {
      await this.kv.create(name, String(expiresAt));
      return true;
    } catch {
      const entry = await this.kv.get(name);
      if (!entry || entry.operation !== 'PUT' || Number(entry.string()) > now) return false;
      try {
        await this.kv.update(name, String(expiresAt), entry.revision);
        return true;
      } catch {
        return false;
      }
    }
  }

  async close(): Promise<void> {}
}
