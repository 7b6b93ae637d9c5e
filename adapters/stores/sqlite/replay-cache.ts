import { GroupCommit } from './group-commit.js';
import { SqliteFile } from './sqlite-file.js';
import { hashSecret } from '../../../protocol/handles.js';
import type { ReplayCache } from '../ports.js';

const SWEEP_EVERY = 1000;

interface Use {
  keyHash: string;
  expiresAt: number;
  now: number;
}

/**
 * A replay cache in an SQLite file, shared by every connection (and process) on it:
 * insert-if-absent under a primary key, so two uses of one key can never both win.
 * Keys are stored hashed; expired rows count as absent and are swept as we go. Uses in
 * one event-loop turn are group-committed; each is answered once durable.
 */
export class SqliteReplayCache implements ReplayCache {
  private readonly file: SqliteFile;
  private readonly uses: GroupCommit<Use, boolean>;
  private inserts = 0;

  /** A path of its own, or an `SqliteFile` shared with the other state stores. */
  constructor(source: string | SqliteFile) {
    this.file = SqliteFile.from(source);
    const db = this.file.db;
    db.exec(`CREATE TABLE IF NOT EXISTS replay (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS replay_by_expiry ON replay (expires_at)`);
    const purge = db.prepare('DELETE FROM replay WHERE key = ? AND expires_at <= ?');
    const insert = db.prepare('INSERT OR IGNORE INTO replay (key, expires_at) VALUES (?, ?)');
    const sweep = db.prepare('DELETE FROM replay WHERE expires_at <= ?');
    this.uses = new GroupCommit(this.file, ({ keyHash, expiresAt, now }) => {
      purge.run(keyHash, now);
      const fresh = insert.run(keyHash, expiresAt).changes === 1;
      if (fresh && ++this.inserts % SWEEP_EVERY === 0) sweep.run(now);
      return fresh;
    });
  }

  useOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    return this.uses.submit({ keyHash: hashSecret(key), expiresAt, now });
  }

  ready(): Promise<void> {
    return this.file.ready();
  }

  async close(): Promise<void> {
    this.uses.flush();
    await this.file.close();
  }
}
