import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { stateProtection } from '../../adapters/keys/state-protection.js';
import { closedTogether } from '../../adapters/stores/closed-together.js';
import { JetStreamEventStore } from '../../adapters/stores/jetstream/event-store.js';
import { JetStreamStatusStore } from '../../adapters/stores/jetstream/status-store.js';
import { JetStreamOfferStore } from '../../adapters/stores/jetstream/offer-store.js';
import { JetStreamReplayCache } from '../../adapters/stores/jetstream/replay-cache.js';
import { JetStreamSessionKeys } from '../../adapters/stores/jetstream/session-keys.js';
import { SqliteEventStore } from '../../adapters/stores/sqlite/event-store.js';
import { Flow, T0 } from '../../testing/flow.js';
import { startNatsServer } from '../../testing/nats-server.js';
import { runCommands } from '../../testing/run.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pdi-readiness-'));
  dirs.push(dir);
  return join(dir, name);
}

describe('store readiness and commit observation (issue 12 §4)', () => {
  it('issue 12 §4: a SQLite store is ready while it can take the write lock, not while another process holds it, nor once closed', async () => {
    const path = tempFile('events.sqlite');
    const store = new SqliteEventStore(path);
    await expect(store.ready()).resolves.toBeUndefined();
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    await expect(store.ready()).rejects.toThrow(/locked|busy/i);
    expect(performance.now() - started).toBeLessThan(1000);
    other.exec('ROLLBACK');
    other.close();
    await expect(store.ready()).resolves.toBeUndefined();
    await store.close();
    await expect(store.ready()).rejects.toThrow();
  });

  it('issue 12 §4: the SQLite event store tells its observer the size of each group commit', async () => {
    const sizes: number[] = [];
    const store = new SqliteEventStore(tempFile('events.sqlite'), { onGroupCommit: (size) => sizes.push(size) });
    const first = (sessionId: string) => runCommands([new Flow(sessionId).start(T0)]).events;
    await Promise.all(['s-one', 's-two', 's-three'].map((id) => store.append(id, 0, first(id), { deadline: null })));
    await store.append('s-four', 0, first('s-four'), { deadline: null });
    expect(sizes).toEqual([3, 1]);
    await store.close();
  });

  it('issue 12 §4: the JetStream stores are ready while the server answers, and not once it is gone', async () => {
    const nats = await startNatsServer();
    const nc = await nats.connect();
    try {
      const { mac, wrap } = stateProtection({ derivedSecret: () => randomBytes(32) });
      const stores = closedTogether({
        events: await JetStreamEventStore.open(nc, mac, {
          stream: 'PDI_READY',
          subjectPrefix: 'pdi.ready',
          deadlines: 'pdi-ready-deadlines',
        }),
        replay: await JetStreamReplayCache.open(nc, mac, 'pdi-ready-replay'),
        sessionKeys: await JetStreamSessionKeys.open(nc, wrap, 'pdi-ready-keys'),
        offers: await JetStreamOfferStore.open(nc, mac, 'pdi-ready-offers'),
        status: await JetStreamStatusStore.open(nc, mac, 'pdi-ready-status'),
      });
      await expect(stores.ready()).resolves.toBeUndefined();
      await nats.stop();
      await expect(stores.ready()).rejects.toThrow();
    } finally {
      await nc.close();
    }
  });
});
