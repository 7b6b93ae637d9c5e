import { MemoryEventStore } from '../../adapters/store/memory.js';
import { describeEventStoreContract } from './store.contract.js';

describeEventStoreContract('in-memory', async () => {
  const store = new MemoryEventStore();
  return { store, cleanup: () => store.close() };
});
