import {
  type SessionEvent,
  parseEvent,
  VersionConflict,
  type AppendOptions,
  type EventStore,
  type RecentStreamsQuery,
  recentOf,
} from '../../../engine/index.js';

/**
 * An in-memory event store for the pure engine tests. Events are kept serialised,
 * as a real store keeps them, so a read returns fresh, re-validated copies.
 */
export class MemoryEventStore implements EventStore {
  private readonly streams = new Map<string, string[]>();
  private readonly eventIds = new Set<string>();
  private readonly deadlines = new Map<string, number>();

  async read(streamId: string): Promise<SessionEvent[]> {
    return (this.streams.get(streamId) ?? []).map((json, index) => parseEvent(json, { streamId, version: index + 1 }));
  }

  async append(streamId: string, expectedVersion: number, events: SessionEvent[], options: AppendOptions) {
    const stream = this.streams.get(streamId) ?? [];
    if (events.some((event) => this.eventIds.has(event.meta.id))) return { version: stream.length, duplicate: true };
    if (stream.length !== expectedVersion) throw new VersionConflict(streamId, expectedVersion, stream.length);
    for (const event of events) {
      stream.push(JSON.stringify(event));
      this.eventIds.add(event.meta.id);
    }
    this.streams.set(streamId, stream);
    if (options.deadline === null) this.deadlines.delete(streamId);
    else this.deadlines.set(streamId, options.deadline);
    return { version: stream.length, duplicate: false };
  }

  async due(at: number, limit: number): Promise<string[]> {
    return [...this.deadlines]
      .filter(([, deadline]) => deadline <= at)
      .sort(([, a], [, b]) => a - b)
      .slice(0, limit)
      .map(([streamId]) => streamId);
  }

  async recentStreams(query: RecentStreamsQuery) {
    const summaries = [...this.streams].map(([streamId, stream]) => {
      const [first, last] = [stream[0]!, stream.at(-1)!].map((json, i) =>
        parseEvent(json, { streamId, version: i === 0 ? 1 : stream.length }),
      );
      return {
        streamId,
        startedAt: first!.meta.at,
        lastAt: last!.meta.at,
        lastType: last!.type,
        events: stream.length,
      };
    });
    return recentOf(summaries, query);
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}
}
