import { recentOf, type RecentStreamsQuery, type StreamSummary } from '../../engine/index.js';
import type { AcceptedEvent } from './live-feed.js';

/** How many sessions the index remembers; the least recently active go first. */
const INDEXED = 5_000;

/**
 * Issue 15 §2: the session list where the event store cannot list streams cheaply (JetStream
 * has no index by time): the sessions this instance has seen events of since it started,
 * from the accepted-event feed (every instance's, where a feed is attached), in memory, bounded.
 * A session whose events all came before this instance started is not listed (it can still be opened by id).
 */
export class FeedIndex {
  private readonly sessions = new Map<string, StreamSummary>();

  accept(event: AcceptedEvent): void {
    const known = this.sessions.get(event.sessionId);
    this.sessions.delete(event.sessionId);
    this.sessions.set(event.sessionId, {
      streamId: event.sessionId,
      startedAt: Math.min(known?.startedAt ?? event.at, event.at),
      lastAt: Math.max(known?.lastAt ?? event.at, event.at),
      lastType: known && known.lastAt > event.at ? known.lastType : event.type,
      events: (known?.events ?? 0) + 1,
    });
    if (this.sessions.size > INDEXED) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
  }

  async recentStreams(query: RecentStreamsQuery): Promise<StreamSummary[]> {
    return recentOf(this.sessions.values(), query);
  }
}
