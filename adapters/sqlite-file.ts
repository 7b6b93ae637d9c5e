import Database from 'better-sqlite3';

/** An SQLite connection as every store here uses one: WAL, durable commits (synchronous FULL), waits for other writers. */
export function openSqliteFile(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return db;
}
