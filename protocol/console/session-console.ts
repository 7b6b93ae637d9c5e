import type { EventStore, RecentStreamsQuery, StreamSummary } from '../../engine/index.js';
import type { ProtocolRequest, ProtocolResponse } from '../messages.js';
import { ConsoleSessions } from './console-sessions.js';
import { FeedIndex } from './feed-index.js';
import { FlowCounts } from './flow-counts.js';
import { LiveFeed, type AcceptedEvent } from './live-feed.js';

export interface SessionConsoleOptions {
  /** A logged-in console session ends after this long without use. */
  idleSeconds: number;
  /** The event store: its `recentStreams` lists the sessions where it has one. */
  store: EventStore;
  /** A session's state now, read fresh (the overview counts a `CredentialIssued` that completed its session). */
  stateOf: (sessionId: string) => Promise<string>;
  now: () => number;
  warn: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * Issue 15 §2: what the session console of one issuer keeps, all in memory and per instance:
 * its login sessions, the live feed of accepted events (this instance's from the engine's hook,
 * other instances' from an attached feed, each event once), the overview's counts and, where the
 * store cannot list sessions, an index of them fed by the same events.
 */
export class SessionConsole {
  readonly sessions: ConsoleSessions;
  readonly live = new LiveFeed();
  readonly counts = new FlowCounts();
  private readonly index: FeedIndex | undefined;

  constructor(private readonly options: SessionConsoleOptions) {
    this.sessions = new ConsoleSessions(options.idleSeconds * 1000);
    this.index = options.store.recentStreams ? undefined : new FeedIndex();
  }

  /** Where the session list comes from: the store's index where it has one, else this instance's feed index. */
  get listedFromFeed(): boolean {
    return this.index !== undefined;
  }

  recentStreams(query: RecentStreamsQuery): Promise<StreamSummary[]> {
    return this.index ? this.index.recentStreams(query) : this.options.store.recentStreams!(query);
  }

  /** One accepted event, from the engine's hook or from the feed of every instance; each counted once. */
  accept(event: AcceptedEvent): void {
    if (!this.live.accept(event)) return;
    this.index?.accept(event);
    if (event.type === 'ChallengeReceived') this.counts.started(event.at);
    if (event.type === 'CredentialIssued')
      this.options.stateOf(event.sessionId).then(
        (state) => state === 'completed' && this.counts.completed(event.at),
        (error: unknown) => this.options.warn('console: a session could not be read', { error: String(error) }),
      );
  }

  /** The protocol handler with every refusal it answers counted for the overview (its error code, issue 12 §4's `refusal`). */
  observing(
    handle: (request: ProtocolRequest) => Promise<ProtocolResponse>,
  ): (request: ProtocolRequest) => Promise<ProtocolResponse> {
    return async (request) => {
      const response = await handle(request);
      if (response.refusal) this.counts.refused(this.options.now(), response.refusal.code);
      return response;
    };
  }

  close(): void {
    this.live.close();
  }
}
