import {
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type StoredMsg,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
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

export interface JetStreamStoreNames {
  /** The stream holding every session's events. */
  stream: string;
  /** Subjects are `<prefix>.<sessionId>`, one per auth_session. */
  subjectPrefix: string;
  /** The KV bucket holding each session's next deadline, for the expiry scheduler. */
  deadlines: string;
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

  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly deadlines: KV,
    private readonly mac: RecordMac,
    readonly names: JetStreamStoreNames,
    private readonly warn: (line: string) => void,
  ) {}

  /** `mac` authenticates every message and deadline this store writes and reads back. */
  static async open(
    nc: NatsConnection,
    mac: RecordMac,
    names: JetStreamStoreNames = DEFAULT_NAMES,
    warn: (line: string) => void = console.error,
  ): Promise<JetStreamEventStore> {
    const jsm = await jetstreamManager(nc);
    const config = {
      name: names.stream,
      subjects: [`${names.subjectPrefix}.>`],
      allow_direct: true,
      duplicate_window: 120_000_000_000,
    };
    try {
      await jsm.streams.info(names.stream);
    } catch {
      await jsm.streams.add(config);
    }
    const deadlines = await new Kvm(nc).create(names.deadlines, { history: 1 });
    return new JetStreamEventStore(jetstream(nc), jsm, deadlines, mac, names, warn);
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
    const last = await this.jsm.direct.getMessage(this.names.stream, { last_by_subj: subject });
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
    const messages = await Promise.all(seqs.map((seq) => this.jsm.direct.getMessage(this.names.stream, { seq })));
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
    if (options.deadline === null) await this.deadlines.delete(streamId);
    else await this.deadlines.put(streamId, this.mac.sign(deadlineContext(streamId), String(options.deadline)));
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

  /** Streams whose deadline is due. This scans the deadline bucket: fine for thousands of live sessions. */
  async due(at: number, limit: number): Promise<string[]> {
    const due: Array<[string, number]> = [];
    for await (const key of await this.deadlines.keys()) {
      const entry = await this.deadlines.get(key);
      const deadline = entry && entry.operation === 'PUT' ? this.deadlineOf(key, entry.string()) : Number.NaN;
      if (deadline <= at) due.push([key, deadline]);
    }
    return due
      .sort(([, a], [, b]) => a - b)
      .slice(0, limit)
      .map(([key]) => key);
  }

  /** Issue 12 §4 (readiness): the stream and the deadline bucket answer over the connection. */
  async ready(): Promise<void> {
    await Promise.all([this.jsm.streams.info(this.names.stream), this.deadlines.status()]);
  }

  async close(): Promise<void> {
    this.positions.clear();
  }
}
