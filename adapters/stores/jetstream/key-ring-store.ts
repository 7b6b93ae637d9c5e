import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import type { KeyFile, StoredKeyFile } from '../../keys/key-file.js';
import { KeyRingUnusable, type KeyEncryptionKey } from '../../keys/key-encryption-key.js';
import type { KeyRingStore } from '../../keys/key-ring-store.js';
import { openBucket, UNLIMITED } from './stream-limits.js';

const KEY = 'ring';
/** Revision-checked writes retried this often when other writers keep coming first. */
const ATTEMPTS = 20;

/** A revision-checked write lost to another writer (NATS `wrong last sequence`). */
const lostRace = (error: unknown) => /wrong last sequence/i.test(String((error as Error)?.message ?? error));

/**
 * Issue 16 §4: the key ring as one KV entry, sealed under the operator's key-encryption key
 * (`KeyEncryptionKey`), shared by every engine on the bucket: created with KV `create` (one first
 * start wins, the others read its ring), changed with revision-checked updates, watched so every
 * running engine takes a rotation in place.
 */
export class JetStreamKeyRingStore implements KeyRingStore {
  readonly where: string;

  private constructor(
    private readonly kv: KV,
    private readonly kek: KeyEncryptionKey,
    bucket: string,
  ) {
    this.where = `the key ring in NATS (KV ${bucket}, key ${KEY})`;
  }

  /** `replicas`: as many copies as the engines' other state (issue 16 §2): one lost disk must not lose the ring. */
  static async open(
    nc: NatsConnection,
    kek: KeyEncryptionKey,
    bucket: string,
    replicas = 1,
  ): Promise<JetStreamKeyRingStore> {
    const limits = { ...UNLIMITED, replicas };
    return new JetStreamKeyRingStore(await openBucket(nc, bucket, { limits, created: limits }), kek, bucket);
  }

  private async entry(): Promise<{ ring: StoredKeyFile; revision: number } | undefined> {
    const entry = await this.kv.get(KEY);
    if (entry?.operation !== 'PUT') return undefined;
    return { ring: await this.kek.open(entry.value, this.where), revision: entry.revision };
  }

  async read(): Promise<StoredKeyFile | undefined> {
    return (await this.entry())?.ring;
  }

  async create(ring: KeyFile): Promise<StoredKeyFile> {
    try {
      await this.kv.create(KEY, await this.kek.seal(ring));
      return ring;
    } catch (error) {
      // Another engine's first start came first: its ring is the one.
      const winner = await this.read();
      if (!winner) throw error;
      return winner;
    }
  }

  async update(change: (stored: StoredKeyFile) => Promise<KeyFile | undefined>): Promise<KeyFile> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await this.entry();
      if (!stored) throw new KeyRingUnusable(`${this.where} disappeared while the keys were updated`);
      const changed = await change(stored.ring);
      if (!changed) {
        if (stored.ring.version !== 2) throw new KeyRingUnusable(`${this.where} was left at version 1`);
        return stored.ring;
      }
      try {
        await this.kv.update(KEY, await this.kek.seal(changed), stored.revision);
        return changed;
      } catch (error) {
        if (!lostRace(error)) throw error;
      }
    }
    throw new KeyRingUnusable(`${this.where}: other writers came first ${ATTEMPTS} times in a row; try again`);
  }

  /**
   * The ring as stored now and every ring stored after it, by any process, to `take`; an entry that
   * cannot be opened (tampered, another KEK) or was deleted is refused to `refuse`, never taken.
   * Ends with `stop()` or when the connection closes.
   */
  async watch(take: (ring: StoredKeyFile) => Promise<void>, refuse: (reason: string) => void): Promise<() => void> {
    const entries = await this.kv.watch({ key: KEY });
    void (async () => {
      for await (const entry of entries) {
        if (entry.operation !== 'PUT') {
          refuse(`${this.where} was deleted`);
          continue;
        }
        try {
          await take(await this.kek.open(entry.value, this.where));
        } catch (error) {
          refuse(error instanceof Error ? error.message : String(error));
        }
      }
    })().catch((error: unknown) => refuse(`${this.where} is no longer watched: ${String(error)}`));
    return () => entries.stop();
  }
}
