import type { Config, NatsSettings } from '../config/schema.js';
import type { SessionEvent } from '../engine/index.js';
import { type Issuer, type IssuerPorts, natsPreset } from '../issuer/index.js';
import { connectToNats } from '../transports/nats/connection.js';
import { publishDomainEvents } from '../transports/nats/domain-events.js';
import { serveProtocolOverNats, type NatsProtocolService } from '../transports/nats/protocol-service.js';

/** What `npm start` runs with `config.nats`: one connection for the JetStream ports, the domain-event publisher and the protocol service. */
export interface NatsHost {
  ports: IssuerPorts;
  onAccepted: (event: SessionEvent) => void;
  /** The protocol over NATS request/reply for `issuer`, when `nats.serveRequests`. */
  serve: (issuer: Issuer) => NatsProtocolService | undefined;
  close: () => Promise<void>;
}

/** Loaded only with `config.nats`, so the SQLite default never loads the NATS client libraries. */
export async function openNatsHost(config: Config, nats: NatsSettings): Promise<NatsHost> {
  const nc = await connectToNats(nats, 'pdi-engine');
  const prefix = nats.subjectPrefix;
  return {
    ports: await natsPreset(config, nc),
    onAccepted: publishDomainEvents(nc, prefix),
    serve: (issuer) =>
      nats.serveRequests
        ? serveProtocolOverNats(nc, issuer.handle, {
            prefix,
            queue: nats.queue,
            instance: nats.instance,
            bodyLimitBytes: config.bodyLimitBytes,
          })
        : undefined,
    close: () => nc.drain(),
  };
}
