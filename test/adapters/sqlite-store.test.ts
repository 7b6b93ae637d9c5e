import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../adapters/stores/sqlite/event-store.js';
import { VersionConflict, type EventStore } from '../../engine/index.js';
import { Flow, T0 } from '../../testing/flow.js';
import { runCommands } from '../../testing/run.js';
import { describeEventStoreContract } from '../../testing/store-contract.js';

function tempFile() {
  const dir = mkdtempSync(join(tmpdir(), 'pdi-sqlite-'));
  return { path: join(dir, 'events.sqlite'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describeEventStoreContract(
  'SQLite',
  async () => {
    const file = tempFile();
    const opened: EventStore[] = [new SqliteEventStore(file.path)];
    return {
      store: opened[0]!,
      reopen: async () => {
        await opened.at(-1)!.close();
        opened.push(new SqliteEventStore(file.path));
        return opened.at(-1)!;
      },
      cleanup: async () => {
        await opened
          .at(-1)!
          .close()
          .catch(() => undefined);
        file.remove();
      },
    };
  },
  { describe, it, expect },
);

describe('SQLite store on one file shared by two connections (two processes)', () => {
  it('is in WAL mode, and of two writers at one version exactly one wins', async () => {
    const file = tempFile();
    const a = new SqliteEventStore(file.path);
    const b = new SqliteEventStore(file.path);
    try {
      const [first] = runCommands(new Flow('sqlite-two-writers').happyPath(T0)).events;
      const outcomes = await Promise.allSettled([
        a.append('sqlite-two-writers', 0, [first!], { deadline: null }),
        b.append('sqlite-two-writers', 0, [{ ...first!, meta: { ...first!.meta, id: 'another-event-id' } }], {
          deadline: null,
        }),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: expect.any(VersionConflict) });
      const db = new Database(file.path, { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    } finally {
      await a.close();
      await b.close();
      file.remove();
    }
  });
});
