import { setTimeout as sleep } from 'node:timers/promises';
import {
  AckPolicy,
  type Consumer,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JsMsg,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { parseEvent, type SessionEvent } from '../../engine/index.js';
import { versionOf, writtenByEngine } from '../../adapters/stores/jetstream/event-store.js';
import { runAsLeader } from '../../adapters/stores/jetstream/leader-lease.js';
import { stateProtection } from '../../adapters/keys/state-protection.js';
import type { IssuerKeys } from '../../adapters/keys/ports.js';
import type { RecordMac } from '../../adapters/keys/record-mac.js';
import { domainEventOf } from '../../protocol/domain-event.js';
import { type DomainEventStreamSettings, durableDomainEventSubject, ensureDomainEventStream } from './domain-events.js';

export interface DomainEventRelayOptions {
  /** The subject prefix (`nats.subjectPrefix`): the log is on `<prefix>.events.>`, the durable stream on `<prefix>.domain-events.>`. */
  prefix: string;
  /** The event log's stream (`nats.stream`). */
  eventStream: string;
  domainStream: DomainEventStreamSettings;
  /** The issuer's keys (`IssuerPorts.keys`): the event log's record MAC is derived from them, and only what an engine wrote is relayed (rule 3). */
  keys: Pick<IssuerKeys, 'derivedSecret'>;
  /** This process's name, the lease holder's. */
  instance: string;
  leaseSeconds: number;
  warn: (line: string) => void;
}

export interface DomainEventRelay {
  /** Whether this instance is the active relay now. */
  readonly leading: boolean;
  /** Finishes the publishes in flight (and acknowledges them), starts no more, then releases the lease. */
  stop: () => Promise<void>;
}

/** What the relay's steps work with: the options and the MAC derived from the keys. */
type Relaying = DomainEventRelayOptions & { mac: RecordMac };

/** The relay's durable consumer on the event log. */
const CONSUMER = 'pdi-domain-event-relay';
const BATCH = 256;
const MAX_IN_FLIGHT = 1024;
const RETRY_MS = { first: 100, max: 5000 };

/**
 * Issue 16 §3: nothing accepted is lost between the commit and the publish. The event log is
 * the source of truth: the active relay (one instance at a time, by a lease in `<prefix>-leases`)
 * reads it with a durable consumer and publishes each accepted event's domain event to the
 * durable stream with `msgID` = the event id, so a publish repeated after a crash or a take-over
 * is dropped by JetStream's duplicate window. Messages come in stream order; sessions are
 * published side by side and each session's events one after another, a failed publish retried
 * before the next, so the order within a session holds (up to `max_ack_pending` in flight).
 */
export async function startDomainEventRelay(
  nc: NatsConnection,
  options: DomainEventRelayOptions,
): Promise<DomainEventRelay> {
  const jsm = await jetstreamManager(nc);
  await ensureDomainEventStream(jsm, options.prefix, options.domainStream);
  const js = jetstream(nc);
  const { mac } = stateProtection(options.keys);
  return runAsLeader(
    nc,
    {
      bucket: `${options.prefix}-leases`,
      key: 'domain-event-relay',
      holder: options.instance,
      ttlMs: options.leaseSeconds * 1000,
      replicas: options.domainStream.replicas,
      warn: options.warn,
    },
    (lost) => relay(jsm, js, { ...options, mac }, lost),
  );
}

/**
 * The consumer as the new active relay takes it: again from its ack floor, in stream order, so
 * what the previous holder received but never acknowledged comes before anything newer (a
 * redelivery after `ack_wait` would come after it, out of order). What it acknowledged above the
 * floor is published again and dropped as a duplicate.
 */
async function fromAckFloor(
  jsm: JetStreamManager,
  js: JetStreamClient,
  options: DomainEventRelayOptions,
): Promise<Consumer> {
  let start = 1;
  try {
    start = (await jsm.consumers.info(options.eventStream, CONSUMER)).ack_floor.stream_seq + 1;
    await jsm.consumers.delete(options.eventStream, CONSUMER);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
  }
  await jsm.consumers.add(options.eventStream, {
    durable_name: CONSUMER,
    filter_subject: `${options.prefix}.events.>`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: start,
    ack_wait: nanos(30_000),
    max_ack_pending: MAX_IN_FLIGHT,
    max_deliver: -1,
  });
  return js.consumers.get(options.eventStream, CONSUMER);
}

async function relay(jsm: JetStreamManager, js: JetStreamClient, options: Relaying, lost: AbortSignal) {
  while (!lost.aborted) {
    // Each session's publishes, one after another; a chain that resolves false (the lease was lost) publishes no more.
    const chains = new Map<string, Promise<boolean>>();
    try {
      // Pulls that expire after 5 s (heartbeats every 2.5 s): a pull a failed-over consumer leader lost is
      // replaced within seconds, not the client's default 30 s (issue 16 §2 fault test).
      const messages = await (await fromAckFloor(jsm, js, options)).consume({ max_messages: BATCH, expires: 5000 });
      const stop = () => messages.stop();
      lost.addEventListener('abort', stop, { once: true });
      try {
        for await (const message of messages) {
          const session = message.subject;
          const chain = (chains.get(session) ?? Promise.resolve(true)).then(
            (relayed) => relayed && relayOne(js, options, message, lost),
          );
          chains.set(session, chain);
          void chain.then(() => chains.get(session) === chain && chains.delete(session));
        }
      } finally {
        lost.removeEventListener('abort', stop);
      }
    } catch (error) {
      options.warn(`domain-event relay: ${String(error)}; starting again from the acknowledged position`);
    }
    await Promise.all(chains.values());
    if (!lost.aborted) await sleep(RETRY_MS.max, undefined, { signal: lost }).catch(() => undefined);
  }
}

/** The event a message of the log carries, when an engine wrote it (rule 3) and it parses as one of the session's events. */
function acceptedEvent(options: Relaying, message: JsMsg): SessionEvent | undefined {
  const logged = { subject: message.subject, data: message.data, header: message.headers };
  if (!writtenByEngine(options.mac, logged)) return undefined;
  const streamId = message.subject.slice(`${options.prefix}.events.`.length);
  try {
    const event = parseEvent(message.string(), { streamId, version: versionOf(logged) });
    return event.meta.sessionId === streamId ? event : undefined;
  } catch {
    return undefined;
  }
}

/** Publishes one message's domain event, retrying until it is stored or the lease is lost; false when it was not. */
async function relayOne(js: JetStreamClient, options: Relaying, message: JsMsg, lost: AbortSignal) {
  if (lost.aborted) return false;
  const event = acceptedEvent(options, message);
  if (!event) {
    // Hardening §1, rule 3: a message on the log that no engine wrote is never relayed.
    options.warn(
      `domain-event relay: message ${message.seq} on ${message.subject} fails its MAC or is no event; not relayed`,
    );
    message.term();
    return true;
  }
  const payload = JSON.stringify(domainEventOf(event));
  for (let wait = RETRY_MS.first; ; wait = Math.min(2 * wait, RETRY_MS.max)) {
    try {
      await js.publish(durableDomainEventSubject(options.prefix, event), payload, { msgID: event.meta.id });
      message.ack();
      return true;
    } catch (error) {
      if (lost.aborted) return false;
      options.warn(`domain-event relay: publishing event ${event.meta.id} failed (${String(error)}); retrying`);
      message.working();
      await sleep(wait, undefined, { signal: lost }).catch(() => undefined);
    }
  }
}
