import { randomBytes } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { hashSecret } from '../../../protocol/handles.js';
import type { RecordMac } from '../../keys/record-mac.js';
import type { ReplayCache } from '../ports.js';
import { failClearly } from './fail-clearly.js';
import { openBucket, UNLIMITED, type StoreLimits } from './stream-limits.js';

/** The TTL a replay bucket is created with when no limits are given. */
const CREATED: StoreLimits = { ...UNLIMITED, maxAgeSeconds: 24 * 3600 };

/**
 * A cluster-wide replay cache on a JetStream KV bucket: the first use of a key is a KV
 * `create` (create-if-absent), so a value accepted by one engine instance is refused by
 * every other. An expired entry is taken over with a revision-checked `update`, so two
 * instances cannot both reuse it. Keys are stored hashed; the bucket's TTL (max age, at
 * least the longest-lived value it guards) removes an entry once it cannot count any more. Every entry is signed (`RecordMac`); one that fails its MAC
 * counts as used (fail closed) and is logged.
 */
export class JetStreamReplayCache implements ReplayCache {
  private constructor(
    private readonly kv: KV,
    private readonly mac: RecordMac,
    private readonly warn: (line: string) => void,
  ) {}

  static async open(
    nc: NatsConnection,
    mac: RecordMac,
    bucket = 'pdi-replay',
    limits?: StoreLimits,
    warn: (line: string) => void = console.error,
  ): Promise<JetStreamReplayCache> {
    return failClearly(new JetStreamReplayCache(await openBucket(nc, bucket, { limits, created: CREATED }), mac, warn));
  }

  /** When a stored entry stops counting; an entry failing its MAC never does. */
  private expiryOf(name: string, signed: string): number {
    try {
      return Number(this.mac.open(`replay\n${name}`, signed).split(' ')[0]);
    } catch {
      this.warn(`JetStream: replay entry ${name} fails its MAC; its value stays refused`);
      return Number.POSITIVE_INFINITY;
    }
  }

  async useOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    const name = hashSecret(key);
    // A random tag names this use: a create whose acknowledgement was lost in a failover (it landed, then
    // timed out) is found again as this use's own entry, not refused as a replay (issue 16 §2).
    const value = this.mac.sign(`replay\n${name}`, `${expiresAt} ${randomBytes(12).toString('base64url')}`);
    try {
      await this.kv.create(name, value);
      return true;
    } catch {
      const entry = await this.kv.get(name);
      if (entry?.operation === 'PUT' && entry.string() === value) return true;
      if (entry?.operation !== 'PUT' || this.expiryOf(name, entry.string()) > now) return false;
      try {
        await this.kv.update(name, value, entry.revision);
        return true;
      } catch {
        return false;
      }
    }
  }

  /** Issue 12 §4 (readiness): the bucket answers over the connection. */
  async ready(): Promise<void> {
    await this.kv.status();
  }

  async close(): Promise<void> {}
}
