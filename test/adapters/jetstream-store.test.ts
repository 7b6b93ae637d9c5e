import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamEventStore } from '../../adapters/store/jetstream.js';
import { Flow, T0 } from '../support/flow.js';
import { runCommands } from '../support/run.js';
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

describe('reading a session from JetStream', () => {
  const names = { stream: 'PDI_TEST_INDEX', subjectPrefix: 'pdi.testindex', deadlines: 'pdi-test-deadlines-index' };

  it('by its last event\'s index of earlier sequences, and by a walk for events written without one, the same events either way', async () => {
    const nc = await nats.connect();
    try {
      const writer = await JetStreamEventStore.open(nc, names);
      const [indexed, plain] = [runCommands(new Flow('session-indexed-01').happyPath(T0)).events, runCommands(new Flow('session-plain-001').happyPath(T0)).events];
      const js = jetstream(nc);
      for (const [i, event] of indexed.entries()) {
        await writer.append(event.sessionId, i, [event], { deadline: null });
        // Another session's event in between, published without the index header as before it existed.
        await js.publish(`${names.subjectPrefix}.${plain[i]!.sessionId}`, JSON.stringify(plain[i]), { msgID: plain[i]!.id });
      }
      const last = await (await jetstreamManager(nc)).direct.getMessage(names.stream, { last_by_subj: `${names.subjectPrefix}.session-indexed-01` });
      expect(last?.header?.get('Pdi-Earlier-Seqs').split(',')).toHaveLength(indexed.length - 1);
      const readerConnection = await nats.connect();
      const reader = await JetStreamEventStore.open(readerConnection, names);
      expect(await reader.read('session-indexed-01')).toEqual(indexed);
      expect(await reader.read('session-plain-001')).toEqual(plain);
      await readerConnection.close();
    } finally {
      await nc.close();
    }
  });
});
