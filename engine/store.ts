import type { EventType, SessionEvent } from './events.js';

/** The expected version did not match: another writer appended first. Reload and decide again. */
export class VersionConflict extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${expected}, found ${actual}`);
  }
}

export interface AppendOptions {
  /** The time the stream's current state ends (for the expiry scheduler), or null when nothing can end it. */
  deadline: number | null;
}

/**
 * The event store port. A stream is one auth_session; versions count events from 1.
 * `append` is atomic and durable when it resolves. It succeeds only if the stream is at
 * `expectedVersion` (else VersionConflict): 0 expects a new stream, checked atomically by the
 * store itself, so the engine appends a session's first event without reading first. An
 * event whose id is already stored is not written twice (idempotent retry), and then
 * resolves with `duplicate: true`.
 */
export interface EventStore {
  read(streamId: string): Promise<SessionEvent[]>;
  append(
    streamId: string,
    expectedVersion: number,
    events: SessionEvent[],
    options: AppendOptions,
  ): Promise<{ version: number; duplicate: boolean }>;
  /** Streams whose deadline is at or before `at`, oldest deadline first. */
  due(at: number, limit: number): Promise<string[]>;
  /** Retention, where the store has it (SQLite): streams that ended before `endedBefore` become a minimal audit record; their ids. */
  compactEnded?(endedBefore: number, limit: number): Promise<string[]>;
  /**
   * Issue 15 §2 (the session console), where the store can answer it cheaply (SQLite: an indexed
   * query; the in-memory store): the streams whose last event falls in the query's window, most
   * recent first. A store without it is listed from the accepted-event feed instead.
   */
  recentStreams?(query: RecentStreamsQuery): Promise<StreamSummary[]>;
  close(): Promise<void>;
}

/** Which streams `recentStreams` lists: by the time and type of their last event, most recent first, `limit` at most. */
export interface RecentStreamsQuery {
  /** Epoch ms: only streams whose last event is at or after this. */
  since?: number;
  /** Epoch ms: only streams whose last event is at or before this. */
  until?: number;
  /** Only streams whose last event is of one of these types. */
  lastTypes?: readonly EventType[];
  /** Paging: only streams after this one in the order (last event time, then stream id, both descending). */
  after?: { at: number; streamId: string };
  limit: number;
}

/** One stream as `recentStreams` lists it: ids, times and types only. */
export interface StreamSummary {
  streamId: string;
  startedAt: number;
  lastAt: number;
  lastType: EventType;
  events: number;
}

/** `recentStreams` over summaries held in memory (the in-memory store, the console's feed index). */
export function recentOf(summaries: Iterable<StreamSummary>, query: RecentStreamsQuery): StreamSummary[] {
  const { since = 0, until = Number.MAX_SAFE_INTEGER, lastTypes, after } = query;
  const before = (s: StreamSummary) =>
    !after || s.lastAt < after.at || (s.lastAt === after.at && s.streamId < after.streamId);
  return [...summaries]
    .filter((s) => s.lastAt >= since && s.lastAt <= until && (!lastTypes || lastTypes.includes(s.lastType)))
    .filter(before)
    .sort((a, b) => b.lastAt - a.lastAt || (a.streamId < b.streamId ? 1 : a.streamId > b.streamId ? -1 : 0))
    .slice(0, query.limit);
}
