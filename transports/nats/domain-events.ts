import type { NatsConnection } from '@nats-io/nats-core';
import type { DataOf, EventOf, SessionEvent } from '../../engine/index.js';

/** A domain event: the engine's event without anything sealed (presented claims, the wallet's free text). */
export type DomainEvent =
  | Exclude<SessionEvent, EventOf<'PresentationVerified' | 'WalletErrorReceived'>>
  | (Omit<EventOf<'PresentationVerified'>, 'data'> & { data: Omit<DataOf<'PresentationVerified'>, 'sealedClaims'> })
  | (Omit<EventOf<'WalletErrorReceived'>, 'data'> & {
      data: Omit<DataOf<'WalletErrorReceived'>, 'sealedErrorDescription'>;
    });

/**
 * What a backend may see of an event: everything but what is sealed, the presented claims and
 * the wallet's error_description (personal data, even sealed, never goes on a subject backends
 * subscribe to: rule 3). Bearer secrets are in events only as hashes.
 */
export function domainEventOf(event: SessionEvent): DomainEvent {
  if (event.type === 'PresentationVerified') {
    const { sealedClaims: _sealed, ...data } = event.data;
    return { ...event, data };
  }
  if (event.type === 'WalletErrorReceived') {
    const { sealedErrorDescription: _sealed, ...data } = event.data;
    return { ...event, data };
  }
  return event;
}

/**
 * Every accepted event, published to `<prefix>.domain.<EventType>` (for example
 * `pdi.domain.CredentialIssued`), so other backends follow the flow without touching the
 * engine (docs/nats.md lists what each subject carries).
 */
export function publishDomainEvents(nc: NatsConnection, prefix: string): (event: SessionEvent) => void {
  return (event) => nc.publish(`${prefix}.domain.${event.type}`, JSON.stringify(domainEventOf(event)));
}
