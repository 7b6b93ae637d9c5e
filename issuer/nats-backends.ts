import { JetStreamOfferStore } from '../adapters/stores/jetstream/offer-store.js';
import { JetStreamReplayCache } from '../adapters/stores/jetstream/replay-cache.js';
import { JetStreamSessionKeys } from '../adapters/stores/jetstream/session-keys.js';
import { JetStreamEventStore } from '../adapters/stores/jetstream/event-store.js';
import type { NatsSettings } from '../config/schema.js';
import { connectToNats } from '../transports/nats/connection.js';
import type { StateBackends, StateProtection } from './state-backends.js';

/** NATS JetStream: shared by every engine process connected to it; every record authenticated, session keys wrapped. */
export async function natsBackends(nats: NatsSettings, { mac, wrap }: StateProtection): Promise<StateBackends> {
  const nc = await connectToNats(nats, 'pdi-engine');
  const prefix = nats.subjectPrefix;
  return {
    store: await JetStreamEventStore.open(nc, mac, {
      stream: nats.stream,
      subjectPrefix: `${prefix}.events`,
      deadlines: `${prefix}-deadlines`,
    }),
    replay: await JetStreamReplayCache.open(nc, mac, `${prefix}-replay`),
    sessionKeys: await JetStreamSessionKeys.open(nc, wrap, `${prefix}-session-keys`),
    offers: await JetStreamOfferStore.open(nc, mac, `${prefix}-offers`),
    nats: nc,
    close: () => nc.drain(),
  };
}
