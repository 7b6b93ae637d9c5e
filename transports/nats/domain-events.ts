import type { NatsConnection } from '@nats-io/nats-core';
import type { SessionEvent } from '../../engine/index.js';

/**
 * Every accepted event, published to `<prefix>.domain.<EventType>` (for example
 * `pdi.domain.CredentialIssued`), so other backends follow the flow without touching the
 * engine. Events hold no secret in clear (hashes, sealed claims).
 */
export function publishDomainEvents(nc: NatsConnection, prefix: string): (event: SessionEvent) => void {
  return (event) => nc.publish(`${prefix}.domain.${event.type}`, JSON.stringify(event));
}
