import type { EventStore } from '../../engine/index.js';
import type { IssuerMetrics } from './issuer-metrics.js';

/** Issue 12 §4: the event store with every append's latency observed (durable, duplicate or refused alike). */
export function measuredEventStore(store: EventStore, metrics: IssuerMetrics): EventStore {
  const measured: EventStore = {
    read: (streamId) => store.read(streamId),
    append: async (streamId, expectedVersion, events, options) => {
      const started = performance.now();
      try {
        return await store.append(streamId, expectedVersion, events, options);
      } finally {
        metrics.observeAppend((performance.now() - started) / 1000);
      }
    },
    due: (at, limit) => store.due(at, limit),
    close: () => store.close(),
  };
  if (store.compactEnded) measured.compactEnded = store.compactEnded.bind(store);
  if (store.recentStreams) measured.recentStreams = store.recentStreams.bind(store);
  return measured;
}
