import { afterAll, beforeAll } from 'vitest';
import { JetStreamEventStore } from '../../adapters/store/jetstream.js';
import { startNatsServer, type RunningNats } from '../support/nats-server.js';
import { describeEventStoreContract } from './store.contract.js';

let nats: RunningNats;
let run = 0;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(() => nats.stop());

describeEventStoreContract('NATS JetStream', async () => {
  run += 1;
  const names = { stream: `PDI_TEST_${run}`, subjectPrefix: `pdi.test${run}`, deadlines: `pdi-test-deadlines-${run}` };
  const connections = [await nats.connect()];
  const store = await JetStreamEventStore.open(connections[0]!, names);
  return {
    store,
    reopen: async () => {
      connections.push(await nats.connect());
      return JetStreamEventStore.open(connections.at(-1)!, names);
    },
    cleanup: async () => {
      for (const connection of connections) await connection.close();
    },
  };
});
