import { isRight } from 'fp-ts/lib/Either.js';
import type { Engine } from './runtime.js';

export interface ExpiryOptions {
  /** Sessions asked of the store at a time. */
  pageSize?: number;
  /** Expiries decided at once (their appends share a group commit on SQLite). */
  concurrency?: number;
  /** Pages per run at most, so one run ends even if the store keeps reporting due sessions. */
  maxPages?: number;
}

/**
 * Append `Expired` to every session whose deadline has passed at `at`, so that expiry
 * is a recorded fact. Guards refuse late requests even before this runs; a session
 * that moved on meanwhile is refused here by the machine and left alone. A run keeps
 * paging through the backlog (hardening §4: the scheduler keeps up with any backlog)
 * until a page is short or expires nothing.
 */
export async function expireDue(engine: Engine, at: number, newEventId: () => string, options: ExpiryOptions = {}): Promise<number> {
  const { pageSize = 500, concurrency = 32, maxPages = 200 } = options;
  let expired = 0;
  for (let page = 0; page < maxPages; page++) {
    const due = await engine.store.due(at, pageSize);
    let progressed = 0;
    for (let i = 0; i < due.length; i += concurrency) {
      const outcomes = await Promise.all(due.slice(i, i + concurrency).map((sessionId) => engine.execute({ type: 'Expire', eventId: newEventId(), sessionId, at })));
      progressed += outcomes.filter((outcome) => isRight(outcome) && outcome.right.event).length;
    }
    expired += progressed;
    if (due.length < pageSize || progressed === 0) break;
  }
  return expired;
}
