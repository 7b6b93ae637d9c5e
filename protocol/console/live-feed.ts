import { z } from 'zod';
import { EventMeta, type EventType, SessionEvent } from '../../engine/index.js';
import { LruCache } from '../../engine/index.js';
import { SESSION_ID } from '../handles.js';

/** Issue 15 §2: an accepted event as the console sees it: its type, id, session and time, nothing of its facts. */
export interface AcceptedEvent {
  type: EventType;
  id: string;
  sessionId: string;
  at: number;
}

/** A source of other instances' accepted events (with JetStream, the domain-event subjects): subscribe, get an unsubscribe. */
export type AcceptedEventFeed = (listener: (event: AcceptedEvent) => void) => () => void;

const EVENT_TYPES = SessionEvent.options.map((option) => option.shape.type.value) as [EventType, ...EventType[]];
const Shape = z.object({
  type: z.enum(EVENT_TYPES),
  meta: EventMeta.pick({ id: true, at: true }).extend({ sessionId: z.string().regex(SESSION_ID) }),
});

/** The console's view of an engine event or of a domain event from elsewhere; undefined when it is not shaped like one. */
export function acceptedEventOf(event: unknown): AcceptedEvent | undefined {
  const parsed = Shape.safeParse(event);
  if (!parsed.success) return undefined;
  const { type, meta } = parsed.data;
  return { type, id: meta.id, sessionId: meta.sessionId, at: meta.at };
}

/** An accepted event with its place in this instance's feed (the SSE event id). */
export interface FeedEntry extends AcceptedEvent {
  seq: number;
}

/** How many recent events a reconnecting console can catch up on. */
const KEPT = 500;

/**
 * The accepted events this instance has seen (its own, and other instances' where a feed is
 * attached), in memory: the last `KEPT`, each once (an event that comes both from the engine's
 * hook and back from the bus is kept once), numbered for the SSE `Last-Event-ID`. A waiter is
 * answered as soon as something newer arrives.
 */
export class LiveFeed {
  private readonly entries: FeedEntry[] = [];
  private readonly seen = new LruCache<true>(4 * KEPT);
  private readonly waiters = new Set<() => void>();
  private seq = 0;

  /** Keeps the event unless already seen; true when it is new. */
  accept(event: AcceptedEvent): boolean {
    if (this.seen.get(event.id)) return false;
    this.seen.set(event.id, true);
    this.seq += 1;
    this.entries.push({ ...event, seq: this.seq });
    if (this.entries.length > KEPT) this.entries.shift();
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    return true;
  }

  /** The newest sequence number (0 before any event). */
  get last(): number {
    return this.seq;
  }

  /** The kept entries after `seq`, oldest first. */
  since(seq: number): FeedEntry[] {
    return this.entries.filter((entry) => entry.seq > seq);
  }

  /** The entries after `seq`, waiting up to `ms` for one to arrive. */
  async wait(seq: number, ms: number): Promise<FeedEntry[]> {
    if (this.seq > seq) return this.since(seq);
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve();
      }, ms);
      this.waiters.add(wake);
    });
    return this.since(seq);
  }

  /** Answers every waiter now (shutdown). */
  close(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}
