import type { DataOf, EventOf, SessionEvent } from '../engine/index.js';

/** A domain event: the engine's event without anything sealed (presented claims, the wallet's free text). */
export type DomainEvent =
  | Exclude<SessionEvent, EventOf<'PresentationVerified' | 'WalletErrorReceived'>>
  | (Omit<EventOf<'PresentationVerified'>, 'data'> & { data: Omit<DataOf<'PresentationVerified'>, 'sealedClaims'> })
  | (Omit<EventOf<'WalletErrorReceived'>, 'data'> & {
      data: Omit<DataOf<'WalletErrorReceived'>, 'sealedErrorDescription'>;
    });

/**
 * What may be seen of an event outside the engine (backends on the domain-event subjects, the
 * session console): everything but what is sealed, the presented claims and the wallet's
 * error_description (personal data, even sealed, never leaves: rule 3). Bearer secrets are in
 * events only as hashes.
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
