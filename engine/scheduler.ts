import { isRight } from 'fp-ts/lib/Either.js';
import type { Engine } from './runtime.js';

/**
 * Append `Expired` to every session whose deadline has passed at `at`, so that expiry
 * is a recorded fact. The rules refuse late requests even before this runs; a session
 * that moved on meanwhile is refused here by the machine and left alone.
 * Issue 10 §4: a backlog is drained in one run, `limit` sessions at a time (each batch
 * runs together, so the store commits its appends in one transaction), until fewer than
 * `limit` are due or `maxBatches` batches ran; a session seen once in a run is not retried in it.
 */
export async function expireDue(
  engine: Engine,
  at: number,
  newEventId: () => string,
  limit = 500,
  maxBatches = 40,
): Promise<number> {
  let expired = 0;
  const seen = new Set<string>();
  for (let batch = 0; batch < maxBatches; batch++) {
    const due = await engine.store.due(at, limit);
    const fresh = due.filter((sessionId) => !seen.has(sessionId));
    for (const sessionId of fresh) seen.add(sessionId);
    const outcomes = await Promise.all(
      fresh.map((sessionId) => engine.execute({ type: 'Expire', eventId: newEventId(), sessionId, at })),
    );
    expired += outcomes.filter((outcome) => isRight(outcome) && outcome.right.event).length;
    if (due.length < limit || fresh.length === 0) break;
  }
  return expired;
}
