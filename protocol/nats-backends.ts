import { connect } from '@nats-io/transport-node';
import { JetStreamOfferStore } from '../adapters/offers/jetstream-offer-store.js';
import { JetStreamReplayCache } from '../adapters/replay/jetstream.js';
import { JetStreamSessionKeys } from '../adapters/seal/jetstream-session-keys.js';
import { JetStreamEventStore } from '../adapters/store/jetstream.js';
import type { Config } from '../config/schema.js';
import type { StateBackends } from './state-backends.js';

/** NATS JetStream: shared by every engine process connected to it. */
export async function natsBackends(nats: NonNullable<Config['nats']>): Promise<StateBackends> {
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
