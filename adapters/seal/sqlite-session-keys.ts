import { randomBytes } from 'node:crypto';
import { SqliteFile } from '../sqlite-file.js';
import type { SessionKeys } from './session-keys.js';

/** Session keys in the embedded SQLite state file. */
export class SqliteSessionKeys implements SessionKeys {
  private readonly file: SqliteFile;
  private readonly statements;

  /** A path of its own, or an `SqliteFile` shared with the other state stores. */
  constructor(source: string | SqliteFile) {
    this.file = SqliteFile.from(source);
    const db = this.file.db;
    db.exec('CREATE TABLE IF NOT EXISTS session_keys (session_id TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID');
    this.statements = {
      insert: db.prepare('INSERT OR IGNORE INTO session_keys (session_id, key) VALUES (?, ?)'),
      find: db.prepare<[string], { key: Buffer }>('SELECT key FROM session_keys WHERE session_id = ?'),
      erase: db.prepare('DELETE FROM session_keys WHERE session_id = ?'),
    };
  }

  async keyFor(sessionId: string, create: boolean): Promise<Uint8Array | undefined> {
    if (create && this.statements.insert.run(sessionId, randomBytes(32)).changes > 0) await this.file.durable();
    return this.statements.find.get(sessionId)?.key;
  }

  async erase(sessionId: string): Promise<void> {
    this.statements.erase.run(sessionId);
    await this.file.durable();
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
