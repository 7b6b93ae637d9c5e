import type { NatsConnection } from '@nats-io/nats-core';
import type { SessionEvent } from '../../engine/index.js';
import { domainEventOf } from '../../protocol/domain-event.js';
import { acceptedEventOf, type AcceptedEvent, type AcceptedEventFeed } from '../../protocol/console/live-feed.js';

/**
 * Every accepted event, published to `<prefix>.domain.<EventType>` (for example
 * `pdi.domain.CredentialIssued`), so other backends follow the flow without touching the
 * engine (docs/nats.md lists what each subject carries).
 */
export function publishDomainEvents(nc: NatsConnection, prefix: string): (event: SessionEvent) => void {
  return (event) => nc.publish(`${prefix}.domain.${event.type}`, JSON.stringify(domainEventOf(event)));
}

/**
 * Issue 15 §2: the accepted events of every instance (this one's included), from the domain-event
 * subjects, for the session console's live view. Only the event's type, id, session and time are
 * kept; a message that is not shaped like one is dropped.
 */
export function subscribeDomainEvents(nc: NatsConnection, prefix: string): AcceptedEventFeed {
  return (listener: (event: AcceptedEvent) => void) => {
    const subscription = nc.subscribe(`${prefix}.domain.>`, {
      callback: (error, message) => {
        if (error) return;
        let parsed: unknown;
        try {
          parsed = message.json();
        } catch {
          return;
        }
        const event = acceptedEventOf(parsed);
        if (event) listener(event);
      },
    });
    return () => subscription.unsubscribe();
  };
}
