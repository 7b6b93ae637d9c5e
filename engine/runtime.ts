import { isLeft, left, right } from 'fp-ts/lib/Either.js';
import { LruCache } from './cache.js';
import type { Command } from './commands.js';
import type { EngineConfig } from './config.js';
import { decide, type Decision } from './decide.js';
import { TemporarilyUnavailable } from './errors.js';
import type { SessionEvent } from './events.js';
import { INITIAL_STATE, contextOf, fold, nextDeadline, type SessionState } from './state.js';
import { VersionConflict, type EventStore } from './store.js';

export interface EngineOptions {
  store: EventStore;
  config: EngineConfig;
  /** Sessions kept folded in memory. */
  cacheSize?: number;
  /** Reload-and-decide rounds before a losing writer gives up. */
  maxConflictRetries?: number;
  /** Told of every event once it is durably appended (never on a rebuild): domain events for other backends. */
  onAccepted?: (event: SessionEvent) => void;
  /** Runs on every command before it is decided: the protocol layer replaces linking identifiers by per-session pseudonyms. */
  prepare?: (command: Command) => Promise<Command>;
}

/**
 * The application service: load the stream (cache, else store), decide, append with
 * the expected version, answer. A version conflict reloads and decides again, so two
 * concurrent requests on one session can never both succeed. A refusal decided on a
 * cached state is confirmed on a fresh read, so a cache that another process made
 * stale never refuses what the stored log allows. A session's first command is decided on
 * the initial state without a read, and appended expecting an empty stream.
 */
export class Engine {
  readonly store: EventStore;
  readonly config: EngineConfig;
  private readonly cache: LruCache<SessionState>;
  private readonly maxConflictRetries: number;
  private readonly onAccepted: (event: SessionEvent) => void;
  private readonly prepare: (command: Command) => Promise<Command>;

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.config = options.config;
    this.cache = new LruCache(options.cacheSize ?? 10_000);
    this.maxConflictRetries = options.maxConflictRetries ?? 64;
    this.onAccepted = options.onAccepted ?? (() => undefined);
    this.prepare = options.prepare ?? (async (command) => command);
  }

  async execute(given: Command): Promise<Decision> {
    const command = await this.prepare(given);
    const cached = this.cache.get(command.sessionId);
    // A new session id names no stream yet: nothing to read. A collision is a VersionConflict on append,
    // and deciding again on the stream found refuses it ('session already exists'); nothing is overwritten.
    let state = cached ?? (command.type === 'StartChallenge' ? INITIAL_STATE : await this.reload(command.sessionId));
    let confirmed = cached === undefined;
    for (let round = 0; round < this.maxConflictRetries; round++) {
      if (state.eventIds.has(command.eventId)) return right({ event: null, state, replayed: true });
      const at = Math.max(command.at, contextOf(state).lastAt);
      const decision = decide(state, { ...command, at }, this.config);
      const effect = isLeft(decision) ? decision.left.effect : decision.right.event && decision.right;
      if (effect ? await this.commit(state, effect.event!, effect.state) : confirmed) return decision;
      const latest = await this.reload(command.sessionId);
      if (!effect && latest.version === state.version) return decision;
      state = latest;
      confirmed = true;
    }
    return left({
      error: new TemporarilyUnavailable(
        'too many concurrent writers on this session',
        'engine: optimistic concurrency',
      ),
    });
  }

  /**
   * The folded state of one session, from the cache or the store. With several engine
   * processes the cache may lag behind the store: ask for `fresh` where a stale view
   * would matter (facts that change after the session started).
   */
  async load(sessionId: string, options: { fresh?: boolean } = {}): Promise<SessionState> {
    return (!options.fresh && this.cache.get(sessionId)) || this.reload(sessionId);
  }

  private async reload(sessionId: string): Promise<SessionState> {
    const state = fold(await this.store.read(sessionId));
    if (state.version > 0) this.cache.set(sessionId, state);
    return state;
  }

  private async commit(before: SessionState, event: SessionEvent, after: SessionState): Promise<boolean> {
    const sessionId = event.meta.sessionId;
    try {
      const { duplicate } = await this.store.append(sessionId, before.version, [event], {
        deadline: nextDeadline(after)?.at ?? null,
      });
      if (duplicate) {
        this.cache.delete(sessionId);
        return false;
      }
      this.cache.set(sessionId, after);
      this.onAccepted(event);
      return true;
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      this.cache.delete(sessionId);
      return false;
    }
  }
}
