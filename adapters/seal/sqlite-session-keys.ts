import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openSqliteFile } from '../sqlite-file.js';
import type { SessionKeys } from './session-keys.js';

/** Session keys in the embedded SQLite state file. */
export class SqliteSessionKeys implements SessionKeys {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(path: string) {
    this.db = openSqliteFile(path);
    this.db.exec('CREATE TABLE IF NOT EXISTS session_keys (session_id TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID');
    this.statements = {
      insert: this.db.prepare('INSERT OR IGNORE INTO session_keys (session_id, key) VALUES (?, ?)'),
      find: this.db.prepare<[string], { key: Buffer }>('SELECT key FROM session_keys WHERE session_id = ?'),
      erase: this.db.prepare('DELETE FROM session_keys WHERE session_id = ?'),
    };
  }

  async keyFor(sessionId: string, create: boolean): Promise<Uint8Array | undefined> {
    if (create) this.statements.insert.run(sessionId, randomBytes(32));
    return this.statements.find.get(sessionId)?.key;
  }

  async erase(sessionId: string): Promise<void> {
    this.statements.erase.run(sessionId);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
