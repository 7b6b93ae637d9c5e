import { randomBytes } from 'node:crypto';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  type JetStreamClient,
  type JetStreamManager,
  type MsgRequest,
  type StoredMsg,
} from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { headers, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import {
  LruCache,
  type SessionEvent,
  parseEvent,
  CorruptStream,
  VersionConflict,
  type AppendOptions,
  type EventStore,
} from '../../../engine/index.js';
import type { RecordMac } from '../../keys/record-mac.js';
import { DeadlineIndex } from './deadline-index.js';
import { failClearly } from './fail-clearly.js';
import { KvLease } from './leader-lease.js';
import { ensureStream, openBucket, UNLIMITED, type StoreLimits } from './stream-limits.js';

/** How long the scheduler lease lasts unrenewed (the expiry scheduler renews it every 5 s). */
const LEASE_SECONDS = 15;

export interface JetStreamStoreNames {
  /** The stream holding every session's events. */
  stream: string;
  /** Subjects are `<prefix>.<sessionId>`, one per auth_session. */
  subjectPrefix: string;
  /** The KV bucket holding each session's next deadline, for the expiry scheduler (and `<deadlines>-lease`, who runs it). */
  deadlines: string;
}

/** Issue 16 §2: the replicas and limits of the event stream and the deadline bucket. */
export interface EventStoreLimits {
  events: StoreLimits;
  deadlines: StoreLimits;
}

export const DEFAULT_NAMES: JetStreamStoreNames = {
  stream: 'PDI_EVENTS',
  subjectPrefix: 'pdi.events',
  deadlines: 'pdi-deadlines',
};
const STREAM_ID = /^[A-Za-z0-9_-]{1,128}$/;

interface Position {
  ids: Set<string>;
  /** The stream sequence of each event of the session, in order: its length is the stream's version. */
  seqs: number[];
}

/** Carried by every event: the stream sequences of the session's earlier events (`none` for the first), so a load needs no walk. */
const EARLIER_SEQS = 'Pdi-Earlier-Seqs';
const NO_EARLIER = 'none';
/** The event's MAC over its subject, its earlier sequences and its payload (rule 3: nothing on the bus is trusted unless an engine wrote it). */
const MAC = 'Pdi-Mac';

const eventContext = (subject: string, earlier: string) => `event\n${subject}\n${earlier}`;

/** A message of the event log as the store and the domain-event relay read it (a stored or a consumed message). */
export interface EventLogMessage {
  subject: string;
  data: Uint8Array;
  header: MsgHdrs | undefined;
}

/** Rule 3: whether an engine wrote this message of the event log, i.e. its MAC over the subject, the index and the payload holds. */
export function writtenByEngine(mac: RecordMac, message: EventLogMessage): boolean {
  const earlier = message.header?.get(EARLIER_SEQS) ?? '';
  return mac.verify(eventContext(message.subject, earlier), message.data, message.header?.get(MAC) || undefined);
}

/** The event's version in its session (1 for the first), from the index of earlier sequences it carries. */
export function versionOf(message: EventLogMessage): number {
  const earlier = message.header?.get(EARLIER_SEQS) ?? NO_EARLIER;
  return earlier === NO_EARLIER ? 1 : earlier.split(',').length + 1;
}
const deadlineContext = (streamId: string) => `deadline\n${streamId}`;

/**
 * The event store on NATS JetStream (nats-server 2.9+), for several engine processes:
 * one subject per session; an append publishes each event with `expect.lastSubjectSequence`
 * (optimistic concurrency, the same conflict-and-retry as SQLite) and `msgID` = event id
 * (idempotent retries). A session is read with direct gets by subject. Backends never read
 * this stream: they get domain events from the domain-event stream the relay fills, or on
 * `<prefix>.domain.>` (docs/nats.md).
 */
export class JetStreamEventStore implements EventStore {
  /** Where each recently appended stream ends; a stream not here is read again (bounded, like the engine's cache). */
  private readonly positions = new LruCache<Position>(10_000);
  private readonly index: DeadlineIndex;

  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly deadlines: KV,
    private readonly lease: KvLease,
    /** Reads from the stream leader (a replicated stream: a follower's direct get may lag) or, on one replica, by direct get. */
    private readonly get: (query: MsgRequest) => Promise<StoredMsg | null>,
    private readonly mac: RecordMac,
    readonly names: JetStreamStoreNames,
    private readonly warn: (line: string) => void,
  ) {
    this.index = new DeadlineIndex(deadlines, (key, signed) => this.deadlineOf(key, signed));
  }

  /**
   * `mac` authenticates every message and deadline this store writes and reads back; `limits`
   * are applied to the stream and buckets (created or reconciled); without them, existing ones
   * are used as they are and missing ones created with one replica and no limits.
   */
  static async open(
    nc: NatsConnection,
    mac: RecordMac,
    names: JetStreamStoreNames = DEFAULT_NAMES,
    warn: (line: string) => void = console.error,
    limits?: EventStoreLimits,
  ): Promise<JetStreamEventStore> {
    const config = {
      name: names.stream,
      subjects: [`${names.subjectPrefix}.>`],
      allow_direct: true,
      duplicate_window: 120_000_000_000,
    };
    const { jsm, replicas } = await ensureStream(nc, config, { limits: limits?.events, created: UNLIMITED });
    const deadlines = await openBucket(nc, names.deadlines, { limits: limits?.deadlines, created: UNLIMITED });
    const lease = { ...UNLIMITED, replicas: limits?.deadlines.replicas ?? 1, maxAgeSeconds: LEASE_SECONDS };
    const leases = await openBucket(nc, `${names.deadlines}-lease`, { limits: limits && lease, created: lease });
    const get =
      replicas > 1
        ? (query: MsgRequest) => jsm.streams.getMessage(names.stream, query)
        : (query: MsgRequest) => jsm.direct.getMessage(names.stream, query);
    // Issue 16 §2: who runs the expiry scheduler. The entry is not MAC'd: a forged one could only delay the
    // `Expired` events, and the rules refuse a late request whether or not its session was expired.
    const scheduler = new KvLease(leases, 'scheduler', randomBytes(8).toString('hex'));
    return failClearly(new JetStreamEventStore(jetstream(nc), jsm, deadlines, scheduler, get, mac, names, warn));
  }

  private subject(streamId: string): string {
    if (!STREAM_ID.test(streamId)) throw new Error(`stream id ${JSON.stringify(streamId)} cannot name a subject`);
    return `${this.names.subjectPrefix}.${streamId}`;
  }

  /**
   * A session's events: its last message (`last_by_subj`) names the sequences of the earlier
   * ones, which are fetched at once, in one round trip instead of one per event. Every message
   * must carry a valid MAC, and the index it names must be there, in order, on this subject:
   * anything else is a stream someone other than an engine wrote to or deleted from, and is
   * refused (rule 3), never read around.
   */
  private async load(streamId: string): Promise<{ events: SessionEvent[]; position: Position }> {
    const subject = this.subject(streamId);
    const last = await this.get({ last_by_subj: subject });
    const messages = last ? await this.indexed(streamId, subject, last) : [];
    const events = messages.map((message, index) => this.authenticated(streamId, index, message));
    const position = {
      ids: new Set(events.map((event) => event.meta.id)),
      seqs: messages.map((message) => message.seq),
    };
    this.positions.set(streamId, position);
    return { events, position };
  }

  private refuse(streamId: string, version: number, why: string): never {
    this.warn(`JetStream: session ${streamId}: ${why}; the session is refused`);
    throw new CorruptStream(streamId, version, why);
  }

  /** A message is folded only if an engine wrote it: its MAC must hold. */
  private authenticated(streamId: string, index: number, message: StoredMsg): SessionEvent {
    if (!writtenByEngine(this.mac, message)) this.refuse(streamId, index + 1, `message ${message.seq} fails its MAC`);
    return parseEvent(message.string(), { streamId, version: index + 1 });
  }

  private async indexed(streamId: string, subject: string, last: StoredMsg): Promise<StoredMsg[]> {
    const earlier = last.header?.get(EARLIER_SEQS) ?? '';
    const seqs = earlier === NO_EARLIER ? [] : earlier.split(',').map(Number);
    this.authenticated(streamId, seqs.length, last);
    if (seqs.some((seq, i) => !Number.isSafeInteger(seq) || seq <= (seqs[i - 1] ?? 0) || seq >= last.seq))
      this.refuse(streamId, seqs.length + 1, 'its index is malformed');
    const messages = await Promise.all(seqs.map((seq) => this.get({ seq })));
    const missing = messages.findIndex((message) => message?.subject !== subject);
    if (missing >= 0) this.refuse(streamId, missing + 1, `message ${seqs[missing]} is missing`);
    return [...(messages as StoredMsg[]), last];
  }

  async read(streamId: string): Promise<SessionEvent[]> {
    return (await this.load(streamId)).events;
  }

  async append(streamId: string, expectedVersion: number, events: SessionEvent[], options: AppendOptions) {
    const subject = this.subject(streamId);
    // A first append expects an empty subject: nothing to read, `expect.lastSubjectSequence: 0` refuses it atomically otherwise.
    let position =
      this.positions.get(streamId) ??
      (expectedVersion === 0 ? { ids: new Set<string>(), seqs: [] } : (await this.load(streamId)).position);
    if (position.seqs.length !== expectedVersion || events.some((event) => position.ids.has(event.meta.id)))
      position = (await this.load(streamId)).position;
    if (events.some((event) => position.ids.has(event.meta.id)))
      return { version: position.seqs.length, duplicate: true };
    if (position.seqs.length !== expectedVersion)
      throw new VersionConflict(streamId, expectedVersion, position.seqs.length);
    const seqs = [...position.seqs];
    for (const event of events) {
      try {
        const header = headers();
        const earlier = seqs.join(',') || NO_EARLIER;
        const payload = JSON.stringify(event);
        header.set(EARLIER_SEQS, earlier);
        header.set(MAC, this.mac.tag(eventContext(subject, earlier), payload));
        const ack = await this.js.publish(subject, payload, {
          msgID: event.meta.id,
          expect: { lastSubjectSequence: seqs.at(-1) ?? 0 },
          headers: header,
        });
        if (ack.duplicate) return { version: seqs.length, duplicate: true };
        seqs.push(ack.seq);
        position.ids.add(event.meta.id);
      } catch (error) {
        this.positions.delete(streamId);
        const conflict = error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamWrongLastSequence;
        if (conflict) throw new VersionConflict(streamId, expectedVersion, -1);
        throw error;
      }
    }
    this.positions.set(streamId, { ids: position.ids, seqs });
    if (options.deadline === null) {
      await this.deadlines.delete(streamId);
      this.index.noteDeleted(streamId);
    } else {
      const signed = this.mac.sign(deadlineContext(streamId), String(options.deadline));
      this.index.noteWritten(streamId, await this.deadlines.put(streamId, signed), options.deadline);
    }
    return { version: seqs.length, duplicate: false };
  }

  /** A deadline entry's time, or NaN when absent or failing its MAC (logged; such an entry is never acted on). */
  private deadlineOf(key: string, signed: string): number {
    try {
      return Number(this.mac.open(deadlineContext(key), signed));
    } catch {
      this.warn(`JetStream: the deadline of session ${key} fails its MAC; ignored`);
      return Number.NaN;
    }
  }

  /**
   * Streams whose deadline is due, answered by the instance that holds the scheduler lease from
   * its watched index (`DeadlineIndex`), and by every other instance with none: one instance
   * expires sessions, and none reads the whole bucket to find them.
   *
   * Issue 16 §2, why a lease and a watch rather than a work-queue consumer whose not-yet-due
   * deadlines are `nak`ed with a delay: a deadline is a time on the engine's clock (a `Clock`
   * port; tests move it), which a broker-side redelivery delay on the server's clock cannot
   * follow; and `due` is a query (the metrics backlog gauge reads it), which a consumer would
   * answer by taking the messages it hands out. A crash loses no timeout either way: the
   * deadline stays in the bucket until the session's next append replaces or deletes it, and the
   * next lease holder reads it from there. The gauge of the backlog is the leader's (the others
   * count 0), so its sum over the instances is the backlog.
   */
  async due(at: number, limit: number): Promise<string[]> {
    if (!(await this.lease.held())) {
      this.index.stop();
      return [];
    }
    await this.index.start();
    return this.index.due(at, limit);
  }

  /** Issue 12 §4 (readiness): the stream and the deadline bucket answer over the connection. */
  async ready(): Promise<void> {
    await Promise.all([this.jsm.streams.info(this.names.stream), this.deadlines.status()]);
  }

  async close(): Promise<void> {
    this.positions.clear();
    this.index.stop();
    await this.lease.release();
  }
}
