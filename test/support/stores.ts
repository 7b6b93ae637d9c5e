import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryEventStore } from '../../adapters/stores/memory/event-store.js';
import { SqliteEventStore } from '../../adapters/stores/sqlite/event-store.js';
import type { EventStore } from '../../engine/index.js';

export interface OpenedStore {
  store: EventStore;
  /** A second handle on the same data, as another process would open it (undefined for memory). */
  openAnother?: () => EventStore;
  dispose: () => Promise<void>;
}

/** The stores every runtime test runs on: in-memory and the real SQLite file. */
export const STORES: Record<string, () => OpenedStore> = {
  memory: () => {
    const store = new MemoryEventStore();
    return { store, dispose: () => store.close() };
  },
  sqlite: () => {
    const dir = mkdtempSync(join(tmpdir(), 'pdi-engine-'));
    const path = join(dir, 'events.sqlite');
    const store = new SqliteEventStore(path);
    const others: EventStore[] = [];
    return {
      store,
      openAnother: () => {
        const other = new SqliteEventStore(path);
        others.push(other);
        return other;
      },
      dispose: async () => {
        for (const other of others) await other.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
