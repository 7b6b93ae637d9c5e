import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { SqliteFile } from '../../adapters/stores/sqlite/sqlite-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open(): SqliteFile {
  const dir = mkdtempSync(join(tmpdir(), 'pdi-sqlite-file-'));
  dirs.push(dir);
  const file = new SqliteFile(join(dir, 'test.sqlite'));
  file.db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY)');
  return file;
}

it('durability: every commit acknowledged after durable() is in the file for another connection, with many commits sharing fsyncs', async () => {
  const file = open();
  const insert = file.db.prepare('INSERT INTO t (n) VALUES (?)');
  const acknowledged: number[] = [];
  await Promise.all(
    Array.from({ length: 300 }, async (_, n) => {
      await new Promise((resolve) => setImmediate(resolve, n % 7));
      insert.run(n);
      await file.durable();
      acknowledged.push(n);
    }),
  );
  const other = new Database(file.path, { readonly: true });
  const stored = new Set(
    other
      .prepare<[], { n: number }>('SELECT n FROM t')
      .all()
      .map((row) => row.n),
  );
  other.close();
  expect(acknowledged).toHaveLength(300);
  for (const n of acknowledged) expect(stored.has(n)).toBe(true);
  await file.close();
});

it('close waits for the fsyncs in flight and leaves a file that reopens with every commit', async () => {
  const file = open();
  file.db.prepare('INSERT INTO t (n) VALUES (1)').run();
  const pending = file.durable();
  await file.close();
  await pending;
  const reopened = new SqliteFile(file.path);
  expect(reopened.db.prepare('SELECT COUNT(*) AS c FROM t').get()).toEqual({ c: 1 });
  await reopened.close();
});

it('a file shared by several stores stays open until the last of them closes it', async () => {
  const file = open();
  const shared = [SqliteFile.from(file), SqliteFile.from(file)];
  expect(shared.every((user) => user === file)).toBe(true);
  await file.close();
  await shared[0]!.close();
  file.db.prepare('INSERT INTO t (n) VALUES (1)').run();
  await file.durable();
  expect(file.db.open).toBe(true);
  await shared[1]!.close();
  expect(file.db.open).toBe(false);
});
