import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamEventStore } from '../../adapters/stores/jetstream/event-store.js';
import { CorruptStream } from '../../engine/index.js';
import { Flow, T0 } from '../../testing/flow.js';
import { runCommands } from '../../testing/run.js';
import { startNatsServer, type RunningNats } from '../../testing/nats-server.js';
import { describeEventStoreContract } from '../../testing/store-contract.js';
import { RecordMac } from '../../adapters/keys/record-mac.js';

const mac = new RecordMac(randomBytes(32));

let nats: RunningNats;
let run = 0;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(() => nats.stop());

describeEventStoreContract(
  'NATS JetStream',
  async () => {
    run += 1;
    const names = {
      stream: `PDI_TEST_${run}`,
      subjectPrefix: `pdi.test${run}`,
      deadlines: `pdi-test-deadlines-${run}`,
    };
    const connections = [await nats.connect()];
    const store = await JetStreamEventStore.open(connections[0]!, mac, names);
    return {
      store,
      reopen: async () => {
        connections.push(await nats.connect());
        return JetStreamEventStore.open(connections.at(-1)!, mac, names);
      },
      cleanup: async () => {
        for (const connection of connections) await connection.close();
      },
    };
  },
  { describe, it, expect },
);

describe('reading a session from JetStream (rule 3: nothing on the bus is trusted unless an engine wrote it)', () => {
  const names = { stream: 'PDI_TEST_INDEX', subjectPrefix: 'pdi.testindex', deadlines: 'pdi-test-deadlines-index' };
  const quiet = () => {};

  it("by its last event's index of earlier sequences, with another session's events in between", async () => {
    const nc = await nats.connect();
    try {
      const writer = await JetStreamEventStore.open(nc, mac, names, quiet);
      const [a, b] = [
        runCommands(new Flow('session-index-a01').happyPath(T0)).events,
        runCommands(new Flow('session-index-b01').happyPath(T0)).events,
      ];
      for (const [i, event] of a.entries()) {
        await writer.append(event.meta.sessionId, i, [event], { deadline: null });
        await writer.append(b[i]!.meta.sessionId, i, [b[i]!], { deadline: null });
      }
      const last = await (await jetstreamManager(nc)).direct.getMessage(names.stream, {
        last_by_subj: `${names.subjectPrefix}.session-index-a01`,
      });
      expect(last?.header?.get('Pdi-Earlier-Seqs').split(',')).toHaveLength(a.length - 1);
      const readerConnection = await nats.connect();
      const reader = await JetStreamEventStore.open(readerConnection, mac, names, quiet);
      expect(await reader.read('session-index-a01')).toEqual(a);
      expect(await reader.read('session-index-b01')).toEqual(b);
      await readerConnection.close();
    } finally {
      await nc.close();
    }
  });

  it('hardening §1: an event published without the MAC (or under another key) is refused, never folded', async () => {
    const nc = await nats.connect();
    try {
      const store = await JetStreamEventStore.open(nc, mac, names, quiet);
      const [first, second] = runCommands(new Flow('session-forged-01').happyPath(T0)).events;
      await store.append(first!.meta.sessionId, 0, [first!], { deadline: null });
      await jetstream(nc).publish(`${names.subjectPrefix}.session-forged-01`, JSON.stringify(second), {
        msgID: second!.meta.id,
      });
      await expect((await JetStreamEventStore.open(nc, mac, names, quiet)).read('session-forged-01')).rejects.toThrow(
        CorruptStream,
      );
      const otherKey = await JetStreamEventStore.open(nc, new RecordMac(randomBytes(32)), names, quiet);
      await expect(otherKey.read('session-index-a01')).rejects.toThrow(CorruptStream);
    } finally {
      await nc.close();
    }
  });

  it('hardening §1: a session whose earlier message was deleted is refused, not read as a shorter history', async () => {
    const nc = await nats.connect();
    try {
      const store = await JetStreamEventStore.open(nc, mac, names, quiet);
      const events = runCommands(new Flow('session-deleted-1').happyPath(T0)).events.slice(0, 3);
      for (const [i, event] of events.entries())
        await store.append(event.meta.sessionId, i, [event], { deadline: null });
      const jsm = await jetstreamManager(nc);
      const firstSeq = (await jsm.direct.getMessage(names.stream, {
        seq: 1,
        next_by_subj: `${names.subjectPrefix}.session-deleted-1`,
      }))!.seq;
      await jsm.streams.deleteMessage(names.stream, firstSeq);
      const reader = await JetStreamEventStore.open(nc, mac, names, quiet);
      await expect(reader.read('session-deleted-1')).rejects.toThrow(CorruptStream);
    } finally {
      await nc.close();
    }
  });
});
