import { SqliteFile } from './sqlite-file.js';
import type { CredentialStatus, StatusEntry, StatusStore, StatusTarget } from '../ports.js';

interface EntryRow {
  list: number;
  idx: number;
  session_id: string;
}

const entryOf = (row: EntryRow): StatusEntry => ({ list: row.list, idx: row.idx, sessionId: row.session_id });

/** The status of issued credentials (I-30) in the embedded SQLite state file. */
export class SqliteStatusStore implements StatusStore {
  private readonly file: SqliteFile;
  private readonly statements;

  /** A path of its own, or an `SqliteFile` shared with the other state stores. */
  constructor(source: string | SqliteFile) {
    this.file = SqliteFile.from(source);
    const db = this.file.db;
    db.exec(`CREATE TABLE IF NOT EXISTS status_lists (one INTEGER PRIMARY KEY CHECK (one = 0), current INTEGER NOT NULL);
      INSERT OR IGNORE INTO status_lists (one, current) VALUES (0, 0);
      CREATE TABLE IF NOT EXISTS status_entries (
        list INTEGER NOT NULL, idx INTEGER NOT NULL, session_id TEXT NOT NULL,
        status INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (list, idx)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS status_by_session ON status_entries (session_id);
      CREATE INDEX IF NOT EXISTS status_changed ON status_entries (list) WHERE status != 0;
      CREATE TABLE IF NOT EXISTS status_sessions (session_id TEXT PRIMARY KEY, status INTEGER NOT NULL) WITHOUT ROWID`);
    // Token Status List §7.1: INVALID is final; an entry already at the status is not a change.
    const set = (where: string) =>
      `UPDATE status_entries SET status = @status WHERE ${where} AND status != 1 AND status != @status
       RETURNING list, idx, session_id`;
    this.statements = {
      current: db.prepare<[], { current: number }>('SELECT current FROM status_lists'),
      next: db.prepare<[number], { current: number }>(
        'UPDATE status_lists SET current = current + 1 WHERE current = ? RETURNING current',
      ),
      claim: db.prepare('INSERT OR IGNORE INTO status_entries (list, idx, session_id) VALUES (?, ?, ?)'),
      bySession: db.prepare<[{ status: CredentialStatus; sessionId: string }], EntryRow>(
        set('session_id = @sessionId'),
      ),
      byEntry: db.prepare<[{ status: CredentialStatus; list: number; idx: number }], EntryRow>(
        set('list = @list AND idx = @idx'),
      ),
      // Revoked is final for a session too.
      markSession: db.prepare(
        `INSERT INTO status_sessions (session_id, status) VALUES (?, ?)
         ON CONFLICT (session_id) DO UPDATE SET status = excluded.status WHERE status != 1`,
      ),
      sessionStatus: db.prepare<[string], { status: CredentialStatus }>(
        'SELECT status FROM status_sessions WHERE session_id = ?',
      ),
      changed: db.prepare<[number], { idx: number; status: CredentialStatus }>(
        'SELECT idx, status FROM status_entries WHERE list = ? AND status != 0',
      ),
    };
  }

  async currentList(): Promise<number> {
    return this.statements.current.get()!.current;
  }

  async nextList(full: number): Promise<number> {
    const moved = this.statements.next.get(full);
    if (moved) await this.file.durable();
    return moved?.current ?? this.currentList();
  }

  async claim(entry: StatusEntry): Promise<boolean> {
    const { changes } = this.statements.claim.run(entry.list, entry.idx, entry.sessionId);
    if (changes === 1) await this.file.durable();
    return changes === 1;
  }

  async setStatus(target: StatusTarget, status: CredentialStatus): Promise<StatusEntry[]> {
    if ('sessionId' in target) this.statements.markSession.run(target.sessionId, status);
    const rows =
      'sessionId' in target
        ? this.statements.bySession.all({ status, sessionId: target.sessionId })
        : this.statements.byEntry.all({ status, list: target.list, idx: target.idx });
    await this.file.durable();
    return rows.map(entryOf);
  }

  async sessionStatus(sessionId: string): Promise<CredentialStatus> {
    return this.statements.sessionStatus.get(sessionId)?.status ?? 0;
  }

  async changed(list: number): Promise<Array<{ idx: number; status: CredentialStatus }>> {
    return this.statements.changed.all(list);
  }

  ready(): Promise<void> {
    return this.file.ready();
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
