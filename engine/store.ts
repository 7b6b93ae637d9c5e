import type { SessionEvent } from './events.js';

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
  close(): Promise<void>;
}
