import { DiscardPolicy, type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import type { SessionEvent } from '../../engine/index.js';
import { domainEventOf } from '../../protocol/domain-event.js';
import { acceptedEventOf, type AcceptedEvent, type AcceptedEventFeed } from '../../protocol/console/live-feed.js';

/**
 * Every accepted event, published to `<prefix>.domain.<EventType>` (for example
 * `pdi.domain.CredentialIssued`) at once, at most once, for low-latency listeners; backends that
 * must not miss one consume the durable stream the relay fills (`domain-event-relay.ts`,
 * docs/nats.md lists what each subject carries).
 */
export function publishDomainEvents(nc: NatsConnection, prefix: string): (event: SessionEvent) => void {
  return (event) => nc.publish(`${prefix}.domain.${event.type}`, JSON.stringify(domainEventOf(event)));
}

/** The durable domain-event stream (issue 16 §3): its name and limits, which the JetStream settings give. */
export interface DomainEventStreamSettings {
  name: string;
  replicas: number;
  /** How long an event is kept; 0 for no limit. */
  maxAgeSeconds: number;
  /** The stream's size limit (the oldest events go first); -1 for no limit. */
  maxBytes: number;
}

export const DEFAULT_DOMAIN_EVENT_STREAM: DomainEventStreamSettings = {
  name: 'PDI_DOMAIN_EVENTS',
  replicas: 1,
  maxAgeSeconds: 7 * 24 * 3600,
  maxBytes: 1024 ** 3,
};

/** Issue 16 §3: where the durable stream carries an event, `<prefix>.domain-events.<sessionId>.<EventType>` (session ids are subject tokens). */
export function durableDomainEventSubject(prefix: string, event: SessionEvent): string {
  return `${prefix}.domain-events.${event.meta.sessionId}.${event.type}`;
}

/** The durable domain-event stream, created when absent (an existing one is left as its operator configured it). */
export async function ensureDomainEventStream(
  jsm: JetStreamManager,
  prefix: string,
  settings: DomainEventStreamSettings,
): Promise<void> {
  try {
    await jsm.streams.info(settings.name);
  } catch {
    await jsm.streams.add({
      name: settings.name,
      subjects: [`${prefix}.domain-events.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: settings.replicas,
      max_age: nanos(settings.maxAgeSeconds * 1000),
      max_bytes: settings.maxBytes,
      discard: DiscardPolicy.Old,
      duplicate_window: nanos(120_000),
    });
  }
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
