import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/stores/memory/event-store.js';
import { describeEventStoreContract } from '../../testing/store-contract.js';

describeEventStoreContract(
  'in-memory',
  async () => {
    const store = new MemoryEventStore();
    return { store, cleanup: () => store.close() };
  },
  { describe, it, expect },
);
