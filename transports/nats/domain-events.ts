import type { NatsConnection } from '@nats-io/nats-core';
import type { DataOf, EventOf, SessionEvent } from '../../engine/index.js';

type Verified = EventOf<'PresentationVerified'>;
/** A domain event: the engine's event, a verified presentation without its sealed claims. */
export type DomainEvent =
  | Exclude<SessionEvent, Verified>
  | (Omit<Verified, 'data'> & { data: Omit<DataOf<'PresentationVerified'>, 'sealedClaims'> });

/**
 * What a backend may see of an event: everything but the sealed claims (personal data,
 * even sealed, never goes on a subject backends subscribe to: rule 3). Bearer secrets are
 * in events only as hashes.
 */
export function domainEventOf(event: SessionEvent): DomainEvent {
  if (event.type !== 'PresentationVerified') return event;
  const { sealedClaims: _sealed, ...data } = event.data;
  return { ...event, data };
}

/**
 * Every accepted event, published to `<prefix>.domain.<EventType>` (for example
 * `pdi.domain.CredentialIssued`), so other backends follow the flow without touching the
 * engine (docs/nats.md lists what each subject carries).
 */
export function publishDomainEvents(nc: NatsConnection, prefix: string): (event: SessionEvent) => void {
  return (event) => nc.publish(`${prefix}.domain.${event.type}`, JSON.stringify(domainEventOf(event)));
}
