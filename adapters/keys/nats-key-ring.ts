import { replicasFor } from '../../config/jetstream-settings.js';
import { join } from 'node:path';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Config, NatsSettings } from '../../config/schema.js';
import type { Logger } from '../../protocol/ports.js';
import { JetStreamKeyRingStore } from '../stores/jetstream/key-ring-store.js';
import { KeyEncryptionKey, KeyRingUnusable } from './key-encryption-key.js';
import { KEY_FILE, readKeyFile } from './key-file.js';
import { KeyRing } from './keyring.js';

export interface NatsKeyRingOptions {
  now: number;
  /** Watch the entry and take every rotation in place (a running engine); a command opens it once. */
  watch: boolean;
  logger?: Pick<Logger, 'info' | 'warn'>;
  env?: NodeJS.ProcessEnv;
}

/** The key ring in NATS, and how to stop watching it. */
export interface NatsKeyRing {
  keys: KeyRing;
  close: () => void;
}

const STDERR = { info: console.error, warn: console.error };

/** The messages in the event stream (none when it does not exist yet). */
async function storedMessages(nc: NatsConnection, stream: string): Promise<number> {
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return 0;
    throw error;
  }
}

/**
 * Issue 16 §4: the key ring of every engine on the bucket, sealed under the operator's KEK, so
 * engines on machines without a shared disk share it. The first start stores the data directory's
 * `keys.json` if there is one (how a deployment moves its keys into NATS, keeping every stored
 * record readable), else new keys, unless the event stream already holds state; once the ring is in NATS a `keys.json` beside it must hold the
 * same master secret (a file of another deployment is refused, not ignored). With `watch`, every
 * ring another process stores (`npm run rotate-keys`) is taken in place (`KeyRing.adopt`).
 */
export async function openNatsKeyRing(
  nc: NatsConnection,
  config: Config,
  nats: NatsSettings,
  options: NatsKeyRingOptions,
): Promise<NatsKeyRing> {
  const { logger = STDERR, now } = options;
  const subjectDns = new URL(config.publicUrl).hostname;
  const kek = KeyEncryptionKey.configured(nats.keyRing, options.env);
  const replicas = replicasFor(nats.jetstream.replicas, nc);
  const store = await JetStreamKeyRingStore.open(nc, kek, `${nats.subjectPrefix}-key-ring`, replicas);
  // A keys.json in the data directory (the bucket's first start imports it).
  const path = join(config.dataDir, KEY_FILE);
  const local = readKeyFile(path);
  const existed = (await store.read()) !== undefined;
  // Issue 16 §4, fail closed: no new master secret over state another one protects (a deployment still
  // on keys.json, an entry deleted): every record of it would be refused as tampered with.
  const messages = existed || local ? 0 : await storedMessages(nc, nats.stream);
  if (messages > 0)
    throw new KeyRingUnusable(
      `${store.where} does not exist, but stream ${nats.stream} holds ${messages} message${messages === 1 ? '' : 's'} protected by a key ring: start one engine with the deployment's keys.json in its data directory first (it is imported), or restore the entry`,
    );
  const keys = await KeyRing.openIn(store, { now, subjectDns, ...(local && { imported: local }) });
  if (local && !keys.sharesMasterSecretWith(local))
    throw new KeyRingUnusable(
      `${path} holds another master secret than ${store.where}: the state it protects would not be read; remove the file if it is stale`,
    );
  if (local && !existed) logger.info(`${path} was imported as ${store.where}, the ring every engine on it uses`);
  if (!options.watch) return { keys, close: () => {} };
  const stop = await store.watch(
    async (ring) => {
      const before = keys.current().kid;
      const refusal = await keys.adopt(ring);
      if (refusal) logger.warn(`${store.where} changed but is refused (${refusal}); the ring in use stays`);
      else if (keys.current().kid !== before)
        logger.info(`${store.where} changed: credentials are signed with ${keys.current().kid} (was ${before})`);
    },
    (reason) => logger.warn(`${reason}; the ring in use stays`),
  );
  return { keys, close: stop };
}
