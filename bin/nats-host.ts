import { readFileSync } from 'node:fs';
import { replicasFor } from '../config/jetstream-settings.js';
import type { Config, NatsSettings } from '../config/schema.js';
import type { SessionEvent } from '../engine/index.js';
import type { Logger } from '../protocol/ports.js';
import { type Issuer, type IssuerPorts, natsPreset } from '../issuer/index.js';
import { connectToNats } from '../transports/nats/connection.js';
import { logConnectionStatus } from '../transports/nats/connection-status.js';
import { registerNatsMetrics } from '../transports/nats/nats-metrics.js';
import type { IssuerMetrics } from '../adapters/metrics/issuer-metrics.js';
import type { AcceptedEventFeed } from '../protocol/console/live-feed.js';
import {
  DEFAULT_DOMAIN_EVENT_STREAM,
  publishDomainEvents,
  subscribeDomainEvents,
} from '../transports/nats/domain-events.js';
import { startDomainEventRelay } from '../transports/nats/domain-event-relay.js';
import { serveProtocolOverNats, type NatsProtocolService } from '../transports/nats/protocol-service.js';

/** The package's version (its package.json beside bin/, in the repository as in the package), for the NATS service's INFO. */
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * What `npm start` runs with `config.nats`: one connection for the JetStream ports, the
 * domain-event publisher (core NATS, at once), the durable domain-event relay (issue 16 §3: this
 * instance relays while it holds the lease) and the protocol service.
 */
export interface NatsHost {
  ports: IssuerPorts;
  onAccepted: (event: SessionEvent) => void;
  /** Issue 15 §2: every instance's accepted events, from the domain-event subjects, for the session console. */
  eventFeed: AcceptedEventFeed;
  /** Issue 12 §4: ready only while the connection is up and answers (a round trip to the server). */
  readiness: { nats: () => Promise<void> };
  /** The protocol over NATS request/reply for `issuer`, when `nats.serveRequests`. */
  serve: (issuer: Issuer) => NatsProtocolService | undefined;
  close: () => Promise<void>;
}

/** Loaded only with `config.nats`, so the SQLite default never loads the NATS client libraries. */
export async function openNatsHost(
  config: Config,
  nats: NatsSettings,
  logger: Logger,
  metrics?: IssuerMetrics,
): Promise<NatsHost> {
  const nc = await connectToNats(nats, 'pdi-engine', (line) => logger.warn(line));
  void logConnectionStatus(nc, nats.instance, logger);
  if (metrics) registerNatsMetrics(metrics.registry, nc);
  const prefix = nats.subjectPrefix;
  const ports = await natsPreset(config, nc, Date.now, { logger });
  const relay = nats.domainEvents.relay
    ? await startDomainEventRelay(nc, {
        prefix,
        eventStream: nats.stream,
        // Issue 16 §2: as many copies as the rest of the state (R3 on a three-node cluster by default).
        domainStream: {
          ...DEFAULT_DOMAIN_EVENT_STREAM,
          name: nats.domainEvents.stream,
          replicas: replicasFor(nats.jetstream.replicas, nc),
        },
        keys: ports.keys,
        instance: nats.instance,
        leaseSeconds: nats.domainEvents.leaseSeconds,
        warn: (line) => logger.warn(line),
      })
    : undefined;
  return {
    ports,
    onAccepted: publishDomainEvents(nc, prefix),
    eventFeed: subscribeDomainEvents(nc, prefix),
    readiness: {
      nats: async () => {
        if (nc.isClosed()) throw new Error('NATS connection closed');
        await nc.flush();
      },
    },
    serve: (issuer) =>
      nats.serveRequests
        ? serveProtocolOverNats(nc, issuer.handle, {
            prefix,
            queue: nats.queue,
            instance: nats.instance,
            version: PACKAGE_VERSION,
            bodyLimitBytes: config.bodyLimitBytes,
            publicUrl: config.publicUrl,
          })
        : undefined,
    close: async () => {
      // The batch in hand is published and acknowledged before the connection drains (its acks go out with it).
      await relay?.stop();
      await nc.drain();
    },
  };
}
