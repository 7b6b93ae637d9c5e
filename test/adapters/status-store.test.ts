import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordMac } from '../../adapters/keys/record-mac.js';
import { JetStreamStatusStore } from '../../adapters/stores/jetstream/status-store.js';
import { CREDENTIAL_STATUS, type StatusStore } from '../../adapters/stores/ports.js';
import { SqliteStatusStore } from '../../adapters/stores/sqlite/status-store.js';
import { allocateStatus } from '../../protocol/status-list/issued-status.js';
import { startNatsServer, type RunningNats } from '../../testing/nats-server.js';

const { revoked, suspended, valid } = CREDENTIAL_STATUS;
let nats: RunningNats;
let run = 0;
const dirs: string[] = [];
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const stores: Array<[string, () => Promise<StatusStore>]> = [
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pdi-status-'));
      dirs.push(dir);
      return new SqliteStatusStore(join(dir, 'state.sqlite'));
    },
  ],
  [
    'JetStream',
    async () => JetStreamStatusStore.open(await nats.connect(), new RecordMac(randomBytes(32)), `pdi-status-${++run}`),
  ],
];

describe.each(stores)('the status store of issued credentials on %s (I-30)', (_, open) => {
  it('I-30: an index is claimed once; the current list moves on once, whoever asks with the full one', async () => {
    const store = await open();
    expect(await store.currentList()).toBe(0);
    expect(await store.claim({ list: 0, idx: 7, sessionId: 'session-a' })).toBe(true);
    expect(await store.claim({ list: 0, idx: 7, sessionId: 'session-b' })).toBe(false);
    expect(await store.nextList(0)).toBe(1);
    expect(await store.nextList(0)).toBe(1);
    expect(await store.claim({ list: 1, idx: 7, sessionId: 'session-b' })).toBe(true);
    await store.close();
  });

  it('I-30: revoking a session changes all its entries and only them; revoked is final (Token Status List §7.1)', async () => {
    const store = await open();
    for (const idx of [1, 2]) await store.claim({ list: 0, idx, sessionId: 'abuser' });
    await store.claim({ list: 0, idx: 3, sessionId: 'other' });
    const changed = await store.setStatus({ sessionId: 'abuser' }, revoked);
    expect(changed.map((entry) => entry.idx).sort()).toEqual([1, 2]);
    expect((await store.changed(0)).sort((a, b) => a.idx - b.idx)).toEqual([
      { idx: 1, status: revoked },
      { idx: 2, status: revoked },
    ]);
    expect(await store.setStatus({ list: 0, idx: 1 }, valid)).toEqual([]);
    expect(await store.setStatus({ sessionId: 'abuser' }, revoked)).toEqual([]);
    await store.close();
  });

  it('I-30: a suspended entry is reinstated; an unknown entry or session changes nothing', async () => {
    const store = await open();
    await store.claim({ list: 0, idx: 9, sessionId: 'paused' });
    expect(await store.setStatus({ list: 0, idx: 9 }, suspended)).toEqual([{ list: 0, idx: 9, sessionId: 'paused' }]);
    expect(await store.changed(0)).toEqual([{ idx: 9, status: suspended }]);
    expect(await store.setStatus({ list: 0, idx: 9 }, valid)).toHaveLength(1);
    expect(await store.changed(0)).toEqual([]);
    expect(await store.setStatus({ list: 0, idx: 10 }, revoked)).toEqual([]);
    expect(await store.setStatus({ sessionId: 'nobody' }, revoked)).toEqual([]);
    await store.close();
  });

  it('I-30: a session revoked (or suspended) before an entry is claimed gives the entry its status; revoked stays final', async () => {
    const store = await open();
    const random = (bound: number) => Math.floor(Math.random() * bound);
    expect(await store.sessionStatus('later')).toBe(valid);
    expect(await store.setStatus({ sessionId: 'later' }, suspended)).toEqual([]);
    const paused = await allocateStatus(store, { listSize: 1024, randomIndex: random, sessionId: 'later' });
    expect(paused.status).toBe(suspended);
    expect(await store.setStatus({ sessionId: 'later' }, revoked)).toHaveLength(1);
    await store.setStatus({ sessionId: 'later' }, valid);
    expect(await store.sessionStatus('later')).toBe(revoked);
    const dead = await allocateStatus(store, { listSize: 1024, randomIndex: random, sessionId: 'later' });
    expect(dead.status).toBe(revoked);
    expect((await store.changed(0)).map((entry) => [entry.idx, entry.status]).sort()).toEqual(
      [
        [paused.idx, revoked],
        [dead.idx, revoked],
      ].sort(),
    );
    await store.close();
  });

  it('W-70, CF-40, status list §13.2: indices are random within the list, and a full list makes way for the next', async () => {
    const store = await open();
    const random = () => (bound: number) => Math.floor(Math.random() * bound);
    const drawn: number[] = [];
    for (let i = 0; i < 20; i++)
      drawn.push((await allocateStatus(store, { listSize: 1 << 17, randomIndex: random(), sessionId: 's' })).idx);
    expect(new Set(drawn).size).toBe(20);
    expect(drawn).not.toEqual([...drawn].sort((a, b) => a - b));
    // A list of 4 entries fills up: the fifth credential goes to the next list.
    const small = await open();
    const lists: number[] = [];
    for (let i = 0; i < 5; i++)
      lists.push((await allocateStatus(small, { listSize: 4, randomIndex: random(), sessionId: 's' })).list);
    expect(lists.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(lists[4]).toBe(1);
    await store.close();
    await small.close();
  });
});
