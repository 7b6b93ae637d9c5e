import { createKeyFile, readKeyFile, updateKeyFile, type KeyFile, type StoredKeyFile } from './key-file.js';

/**
 * Where a key ring is kept, shared by every process that opens the same place: `keys.json` in a
 * data directory (`keyFileStore`), or one sealed KV entry in NATS (`JetStreamKeyRingStore`).
 */
export interface KeyRingStore {
  /** What it names in messages (a path, a bucket). */
  readonly where: string;
  /** The ring as stored, or undefined before the first start. */
  read(): Promise<StoredKeyFile | undefined>;
  /** First start: stores `ring` unless another process stored one first, whose ring is then answered. */
  create(ring: KeyFile): Promise<StoredKeyFile>;
  /**
   * Changes the ring safely against every other writer: `change` sees the ring as stored now and
   * answers the new one, or undefined when nothing is to be done. Answers the ring as it then is.
   */
  update(change: (stored: StoredKeyFile) => Promise<KeyFile | undefined>): Promise<KeyFile>;
}

/** The key file `path` (created 0600, replaced only by content that loads again, updated under a lock). */
export function keyFileStore(path: string): KeyRingStore {
  return {
    where: path,
    read: async () => readKeyFile(path),
    create: async (ring) => createKeyFile(path, ring),
    update: (change) => updateKeyFile(path, change),
  };
}
