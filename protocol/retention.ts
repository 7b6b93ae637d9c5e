import type { ClaimSealer } from '../adapters/keys/claim-sealer.js';
import type { EventStore } from '../engine/index.js';

/**
 * Issue 10 §4 retention: sessions that ended (expired, denied, revoked, erased, completed...)
 * more than `retentionMs` ago are compacted by the store into a minimal audit record, and
 * their session keys are destroyed. Batches of `limit`, until fewer are left or `maxBatches`
 * ran. A store without retention (JetStream) compacts nothing. Returns the sessions compacted.
 */
export async function retainEnded(
  store: EventStore,
  sealer: ClaimSealer,
  at: number,
  retentionMs: number,
  limit = 1000,
  maxBatches = 20,
): Promise<number> {
  if (!store.compactEnded) return 0;
  let compacted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const ids = await store.compactEnded(at - retentionMs, limit);
    await Promise.all(ids.map((sessionId) => sealer.erase(sessionId)));
    compacted += ids.length;
    if (ids.length < limit) break;
  }
  return compacted;
}
