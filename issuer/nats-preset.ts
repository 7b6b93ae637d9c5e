import type { NatsConnection } from '@nats-io/nats-core';
import { openNatsKeyRing } from '../adapters/keys/nats-key-ring.js';
import { stateProtection } from '../adapters/keys/state-protection.js';
import { JetStreamStatusStore } from '../adapters/stores/jetstream/status-store.js';
import { closedTogether } from '../adapters/stores/closed-together.js';
import { JetStreamEventStore } from '../adapters/stores/jetstream/event-store.js';
import { JetStreamOfferStore } from '../adapters/stores/jetstream/offer-store.js';
import { JetStreamReplayCache } from '../adapters/stores/jetstream/replay-cache.js';
import { JetStreamSessionKeys } from '../adapters/stores/jetstream/session-keys.js';
import { configuredTrust } from '../adapters/trust/configured-trust.js';
import { replicasFor, shortTtl } from '../config/jetstream-settings.js';
import { ConfigError, parseConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import type { Clock, Logger } from '../protocol/ports.js';
import type { IssuerPorts } from './create-issuer.js';
import { openDataDirKeys } from './data-dir-keys.js';

/**
 * NATS JetStream, as ports for `createIssuer`: state shared by every instance on the same
 * stream and buckets (`config.nats`), every record authenticated, session keys wrapped; the key
 * ring in `config.dataDir` (shared by the instances) or, with `nats.keyRing.source: nats`, in
 * NATS, watched until the stores close; the trust the configuration lists. The
 * connection is the host's: closing the stores leaves it open (the host drains it). What the
 * stores warn of (a record failing its MAC) goes to `logger` (stderr by default).
 */
export async function natsPreset(
  input: ConfigInput,
  connection: NatsConnection,
  clock: Clock = Date.now,
  options: { logger?: Logger } = {},
): Promise<IssuerPorts> {
  const config = parseConfig(input);
  if (!config.nats) throw new ConfigError('configuration: nats: required by the NATS preset');
  const prefix = config.nats.subjectPrefix;
  const { logger } = options;
  const shared =
    config.nats.keyRing.source === 'nats'
      ? await openNatsKeyRing(connection, config, config.nats, { now: clock(), watch: true, ...(logger && { logger }) })
      : undefined;
  const keys = shared ? shared.keys : await openDataDirKeys(config, clock());
  const { mac, wrap } = stateProtection(keys);
  const warn = logger && ((line: string) => logger.warn(line));
  const settings = config.nats.jetstream;
  // Issue 16 §2: a TTL shorter than what its entries guard would forget a used value (or an offer) while it still counts.
  const longest = Math.max(config.dpop.maxAgeSeconds, ...Object.values(config.lifetimes));
  const tooShort = shortTtl(settings, longest, config.lifetimes.offer);
  if (tooShort) throw new ConfigError(`configuration: ${tooShort}`);
  const replicas = replicasFor(settings.replicas, connection);
  const limits = (store: Exclude<keyof typeof settings, 'replicas'>) => ({ replicas, ...settings[store] });
  const stores = closedTogether({
    events: await JetStreamEventStore.open(
      connection,
      mac,
      {
        stream: config.nats.stream,
        subjectPrefix: `${prefix}.events`,
        deadlines: `${prefix}-deadlines`,
      },
      warn,
      { events: limits('events'), deadlines: limits('deadlines') },
    ),
    replay: await JetStreamReplayCache.open(connection, mac, `${prefix}-replay`, limits('replay'), warn),
    sessionKeys: await JetStreamSessionKeys.open(connection, wrap, `${prefix}-session-keys`, limits('sessionKeys')),
    offers: await JetStreamOfferStore.open(connection, mac, `${prefix}-offers`, warn, limits('offers')),
    status: await JetStreamStatusStore.open(connection, mac, `${prefix}-status`, limits('status')),
  });
  const close = async () => {
    shared?.close();
    await stores.close();
  };
  return { stores: { ...stores, close }, keys, trust: configuredTrust(config, clock) };
}
