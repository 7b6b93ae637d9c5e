import { isRight } from 'fp-ts/lib/Either.js';
import type { Engine } from './runtime.js';

/**
 * Append `Expired` to every session whose deadline has passed at `at`, so that expiry
 * is a recorded fact. Guards refuse late requests even before this runs; a session
 * that moved on meanwhile is refused here by the machine and left alone.
 */
export async function expireDue(engine: Engine, at: number, newEventId: () => string, limit = 500): Promise<number> {
  let expired = 0;
  for (const sessionId of await engine.store.due(at, limit)) {
    const outcome = await engine.execute({ type: 'Expire', eventId: newEventId(), sessionId, at });
    if (isRight(outcome) && outcome.right.event) expired += 1;
  }
  return expired;
}
