import { randomBytes } from 'node:crypto';
import { SqliteFile } from './sqlite-file.js';
import type { KeyWrap } from '../../keys/key-wrap.js';
import type { SessionKeys } from '../ports.js';

/** A key stored before keys were wrapped: 32 raw bytes (a wrapped key is 60). */
const RAW_KEY_BYTES = 32;

/** Session keys in the embedded SQLite state file, stored wrapped under the master secret's key-encryption key. */
export class SqliteSessionKeys implements SessionKeys {
  private readonly file: SqliteFile;
  private readonly statements;

  /** A path of its own, or an `SqliteFile` shared with the other state stores. */
  constructor(
    source: string | SqliteFile,
    private readonly wrap: KeyWrap,
  ) {
    this.file = SqliteFile.from(source);
    const db = this.file.db;
    db.exec('CREATE TABLE IF NOT EXISTS session_keys (session_id TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID');
    this.statements = {
      insert: db.prepare('INSERT OR IGNORE INTO session_keys (session_id, key) VALUES (?, ?)'),
      find: db.prepare<[string], { key: Buffer }>('SELECT key FROM session_keys WHERE session_id = ?'),
      erase: db.prepare('DELETE FROM session_keys WHERE session_id = ?'),
    };
    this.wrapRawKeys();
  }

  /** Keys written before wrapping existed are wrapped in place once, so no raw key stays at rest. */
  private wrapRawKeys(): void {
    const db = this.file.db;
    const raw = db
      .prepare<[number], { session_id: string; key: Buffer }>(
        'SELECT session_id, key FROM session_keys WHERE length(key) = ?',
      )
      .all(RAW_KEY_BYTES);
    if (raw.length === 0) return;
    const update = db.prepare('UPDATE session_keys SET key = ? WHERE session_id = ?');
    db.transaction(() => {
      for (const { session_id, key } of raw) update.run(this.wrap.wrap(session_id, key), session_id);
    })();
  }

  async keyFor(sessionId: string, create: boolean): Promise<Uint8Array | undefined> {
    if (create && this.statements.insert.run(sessionId, this.wrap.wrap(sessionId, randomBytes(32))).changes > 0)
      await this.file.durable();
    const stored = this.statements.find.get(sessionId)?.key;
    return stored && this.wrap.unwrap(sessionId, stored);
  }

  async erase(sessionId: string): Promise<void> {
    this.statements.erase.run(sessionId);
    await this.file.durable();
  }

  ready(): Promise<void> {
    return this.file.ready();
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
