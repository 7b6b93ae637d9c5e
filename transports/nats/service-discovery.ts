import type { NatsConnection, Subscription } from '@nats-io/nats-core';

/**
 * The NATS micro-service discovery protocol (ADR-32, what `nats micro ls|info|stats` asks):
 * `$SRV.PING|INFO|STATS`, optionally narrowed by `.<name>` and `.<name>.<id>`, each answered by
 * every instance with its name, id, version and, for INFO and STATS, its endpoints. Written here
 * because `@nats-io/services` exists on the registry only as a 3.0 pre-release built on another
 * `nats-core` than the engine's 3.4 (a second client library in the process for 9 subscriptions).
 */

export const SERVICE_NAME = 'pdi-engine';

/** One protocol operation as an endpoint: its subject and queue group, and what it has answered. */
export interface EndpointStats {
  name: string;
  subject: string;
  queue_group: string;
  num_requests: number;
  num_errors: number;
  last_error: string;
  /** Nanoseconds, as ADR-32 counts them. */
  processing_time: number;
  average_processing_time: number;
}

export interface ServiceIdentity {
  id: string;
  version: string;
  description: string;
  /** The endpoints and their counters now. */
  endpoints: () => EndpointStats[];
  /** What INFO says of an endpoint beyond its subject (ADR-32 endpoint metadata: the message formats). */
  endpointMetadata: (name: string) => Record<string, string>;
}

const VERBS = { PING: 'ping_response', INFO: 'info_response', STATS: 'stats_response' } as const;

/** The answer of one verb: the common part, then what INFO and STATS add. */
function answer(verb: keyof typeof VERBS, identity: ServiceIdentity, started: string): unknown {
  const common = {
    type: `io.nats.micro.v1.${VERBS[verb]}`,
    name: SERVICE_NAME,
    id: identity.id,
    version: identity.version,
    metadata: {},
  };
  const endpoints = identity.endpoints();
  if (verb === 'PING') return common;
  if (verb === 'INFO')
    return {
      ...common,
      description: identity.description,
      endpoints: endpoints.map(({ name, subject, queue_group }) => ({
        name,
        subject,
        queue_group,
        metadata: identity.endpointMetadata(name),
      })),
    };
  return { ...common, started, endpoints };
}

/** Answers the discovery verbs for this instance until closed. */
export function serveDiscovery(nc: NatsConnection, identity: ServiceIdentity): { close: () => Promise<void> } {
  const started = new Date().toISOString();
  const subscriptions: Subscription[] = [];
  for (const verb of Object.keys(VERBS) as Array<keyof typeof VERBS>)
    for (const subject of [
      `$SRV.${verb}`,
      `$SRV.${verb}.${SERVICE_NAME}`,
      `$SRV.${verb}.${SERVICE_NAME}.${identity.id}`,
    ])
      subscriptions.push(
        nc.subscribe(subject, {
          callback: (error, message) => {
            if (!error) message.respond(JSON.stringify(answer(verb, identity, started)));
          },
        }),
      );
  return { close: async () => void (await Promise.all(subscriptions.map((s) => s.drain()))) };
}
