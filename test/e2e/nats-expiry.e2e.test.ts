import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { JetStreamEventStore } from '../../adapters/stores/jetstream/event-store.js';
import { Engine, expireDue } from '../../engine/index.js';
import { engineConfig } from '../../testing/engine-config.js';
import { Flow, T0 } from '../../testing/flow.js';
import { startNatsServer, type RunningNats } from '../../testing/nats-server.js';
import { RecordMac } from '../../adapters/keys/record-mac.js';

const mac = new RecordMac(randomBytes(32));

let nats: RunningNats;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(() => nats.stop());

it('the expiry scheduler on two instances sharing JetStream expires every due session exactly once', async () => {
  const [a, b] = await Promise.all([nats.connect(), nats.connect()]);
  const names = { stream: 'PDI_EXPIRY', subjectPrefix: 'pdi.expiry', deadlines: 'pdi-expiry-deadlines' };
  const [storeA, storeB] = await Promise.all([
    JetStreamEventStore.open(a!, mac, names),
    JetStreamEventStore.open(b!, mac, names),
  ]);
  const engineA = new Engine({ store: storeA, config: engineConfig() });
  const engineB = new Engine({ store: storeB, config: engineConfig() });
  const sessions = Array.from({ length: 20 }, (_, i) => new Flow(`expiry-session-${i.toString().padStart(4, '0')}`));
  for (const flow of sessions) await engineA.execute(flow.start(T0));
  let ids = 0;
  const later = T0 + 3600_000;
  const [byA, byB] = await Promise.all([
    expireDue(engineA, later, () => `expire-a-${++ids}`),
    expireDue(engineB, later, () => `expire-b-${++ids}`),
  ]);
  expect(byA + byB).toBe(20);
  for (const flow of sessions)
    expect((await storeB.read(flow.sessionId)).filter((e) => e.type === 'Expired')).toHaveLength(1);
  expect(await storeA.due(later, 100)).toEqual([]);
  await a!.close();
  await b!.close();
});
