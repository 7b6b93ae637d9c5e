import { randomBytes } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import type { KeyWrap } from '../../keys/key-wrap.js';
import type { SessionKeys } from '../ports.js';
import { failClearly } from './fail-clearly.js';
import { openBucket, UNLIMITED, type StoreLimits } from './stream-limits.js';

/** Session keys in a JetStream KV bucket, shared by every engine instance, stored wrapped (`KeyWrap`); erasing purges the key's history. */
export class JetStreamSessionKeys implements SessionKeys {
  private constructor(
    private readonly kv: KV,
    private readonly wrap: KeyWrap,
  ) {}

  static async open(
    nc: NatsConnection,
    wrap: KeyWrap,
    bucket = 'pdi-session-keys',
    limits?: StoreLimits,
  ): Promise<JetStreamSessionKeys> {
    return failClearly(new JetStreamSessionKeys(await openBucket(nc, bucket, { limits, created: UNLIMITED }), wrap));
  }

  private async stored(sessionId: string): Promise<Uint8Array | undefined> {
    const entry = await this.kv.get(sessionId);
    return entry && entry.operation === 'PUT' ? this.wrap.unwrap(sessionId, entry.value) : undefined;
  }

  async keyFor(sessionId: string, create: boolean): Promise<Uint8Array | undefined> {
    const existing = await this.stored(sessionId);
    if (existing || !create) return existing;
    try {
      await this.kv.create(sessionId, this.wrap.wrap(sessionId, randomBytes(32)));
    } catch {
      // Another instance created it first: use theirs.
    }
    return this.stored(sessionId);
  }

  async erase(sessionId: string): Promise<void> {
    await this.kv.purge(sessionId);
  }

  /** Issue 12 §4 (readiness): the bucket answers over the connection. */
  async ready(): Promise<void> {
    await this.kv.status();
  }

  async close(): Promise<void> {}
}
