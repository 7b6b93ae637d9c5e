import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { JetStreamOfferStore } from '../adapters/offers/jetstream-offer-store.js';
import type { OfferStore } from '../adapters/offers/offer-store.js';
import { SqliteOfferStore } from '../adapters/offers/sqlite-offer-store.js';
import { JetStreamReplayCache } from '../adapters/replay/jetstream.js';
import type { ReplayCache } from '../adapters/replay/replay-cache.js';
import { SqliteReplayCache } from '../adapters/replay/sqlite.js';
import { JetStreamSessionKeys } from '../adapters/seal/jetstream-session-keys.js';
import type { SessionKeys } from '../adapters/seal/session-keys.js';
import { SqliteSessionKeys } from '../adapters/seal/sqlite-session-keys.js';
import { JetStreamEventStore } from '../adapters/store/jetstream.js';
import { SqliteEventStore } from '../adapters/store/sqlite.js';
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

/** The embedded default: two SQLite files in the data directory. */
function sqliteBackends(config: Config): StateBackends {
  const statePath = join(config.dataDir, 'state.sqlite');
  const parts = {
    store: new SqliteEventStore(join(config.dataDir, 'events.sqlite')),
    replay: new SqliteReplayCache(statePath),
    sessionKeys: new SqliteSessionKeys(statePath),
    offers: new SqliteOfferStore(statePath),
  };
  return { ...parts, close: async () => void (await Promise.all(Object.values(parts).map((part) => part.close()))) };
}

/** NATS JetStream: shared by every engine process connected to it. */
async function natsBackends(nats: NonNullable<Config['nats']>): Promise<StateBackends> {
  const nc = await connect({
    servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: 'pdi-engine',
    ...(nats.user !== undefined && { user: nats.user, pass: nats.pass }),
    ...(nats.token !== undefined && { token: nats.token }),
  });
  const prefix = nats.subjectPrefix;
  return {
    store: await JetStreamEventStore.open(nc, { stream: nats.stream, subjectPrefix: `${prefix}.events`, deadlines: `${prefix}-deadlines` }),
    replay: await JetStreamReplayCache.open(nc, `${prefix}-replay`),
    sessionKeys: await JetStreamSessionKeys.open(nc, `${prefix}-session-keys`),
    offers: await JetStreamOfferStore.open(nc, `${prefix}-offers`),
    nats: nc,
    close: () => nc.drain(),
  };
}

export function openStateBackends(config: Config): Promise<StateBackends> | StateBackends {
  return config.nats ? natsBackends(config.nats) : sqliteBackends(config);
}
