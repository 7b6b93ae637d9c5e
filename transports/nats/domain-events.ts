import type { NatsConnection } from '@nats-io/nats-core';
import type { SessionEvent } from '../../engine/index.js';

/**
 * What a backend may see of an event: everything but the sealed claims (personal data,
 * even sealed, never goes on a subject backends subscribe to: rule 3). Bearer secrets are
 * in events only as hashes.
 */
export function domainEventOf(event: SessionEvent): Omit<SessionEvent, 'sealedClaims'> {
  if (!('sealedClaims' in event)) return event;
  const { sealedClaims: _sealed, ...rest } = event;
  return rest;
}

/**
 * Every accepted event, published to `<prefix>.domain.<EventType>` (for example
 * `pdi.domain.CredentialIssued`), so other backends follow the flow without touching the
 * engine (docs/nats.md lists what each subject carries).
 */
export function publishDomainEvents(nc: NatsConnection, prefix: string): (event: SessionEvent) => void {
  return (event) => nc.publish(`${prefix}.domain.${event.type}`, JSON.stringify(domainEventOf(event)));
}
