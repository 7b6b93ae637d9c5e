import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import type { OfferStore } from '../adapters/stores/ports.js';
import { SqliteOfferStore } from '../adapters/stores/sqlite/offer-store.js';
import { SqliteFile } from '../adapters/stores/sqlite/sqlite-file.js';
import type { ReplayCache } from '../adapters/stores/ports.js';
import { SqliteReplayCache } from '../adapters/stores/sqlite/replay-cache.js';
import type { KeyRing } from '../adapters/keys/keyring.js';
import { KeyWrap } from '../adapters/keys/key-wrap.js';
import { RecordMac } from '../adapters/keys/record-mac.js';
import type { SessionKeys } from '../adapters/stores/ports.js';
import { SqliteSessionKeys } from '../adapters/stores/sqlite/session-keys.js';
import { SqliteEventStore } from '../adapters/stores/sqlite/event-store.js';
import type { Config } from '../config/schema.js';
import type { EventStore } from '../engine/index.js';

/** Where the issuer keeps its state: the event log and the state outside it. */
export interface StateBackends {
  store: EventStore;
  replay: ReplayCache;
  sessionKeys: SessionKeys;
  offers: OfferStore;
  nats?: NatsConnection;
  close: () => Promise<void>;
}

/** The keys that protect state at rest, derived from the key ring's master secret: session keys are wrapped, bus records authenticated. */
export interface StateProtection {
  wrap: KeyWrap;
  mac: RecordMac;
}

export function stateProtection(keyRing: KeyRing): StateProtection {
  return {
    wrap: new KeyWrap(keyRing.derivedSecret('session-key-wrap')),
    mac: new RecordMac(keyRing.derivedSecret('jetstream-record-mac')),
  };
}

/** The embedded default: two SQLite files in the data directory; the three state stores share one connection (one WAL fsync stream). */
async function sqliteBackends(config: Config, protection: StateProtection): Promise<StateBackends> {
  const state = new SqliteFile(join(config.dataDir, 'state.sqlite'));
  const parts = {
    store: new SqliteEventStore(join(config.dataDir, 'events.sqlite')),
    replay: new SqliteReplayCache(state),
    sessionKeys: new SqliteSessionKeys(state, protection.wrap),
    offers: new SqliteOfferStore(state),
  };
  // Each store holds the file now; it closes with the last of them.
  await state.close();
  return { ...parts, close: async () => void (await Promise.all(Object.values(parts).map((part) => part.close()))) };
}

/** SQLite by default; with `config.nats`, JetStream (its client libraries are loaded only then). */
export async function openStateBackends(config: Config, protection: StateProtection): Promise<StateBackends> {
  if (!config.nats) return sqliteBackends(config, protection);
  const { natsBackends } = await import('./nats-backends.js');
  return natsBackends(config.nats, protection);
}
