import { close, closeSync, fsync, open, openSync } from 'node:fs';
import Database from 'better-sqlite3';

const BUSY_TIMEOUT_MS = 5000;
const PROBE_BUSY_TIMEOUT_MS = 100;

/**
 * An SQLite connection as every store here uses one: WAL, waits for other writers, and
 * commits that are made durable off the event loop.
 *
 * `synchronous = NORMAL` lets a commit write its WAL frames without an fsync, so the
 * synchronous transaction no longer blocks the event loop on the disk; `durable()` then
 * resolves once an fsync of the WAL file, started after the call, has completed (in
 * libuv's thread pool). A store answers a write only after `durable()`, so an
 * acknowledged write is on disk exactly as with `synchronous = FULL`, and all commits
 * made while one fsync runs share the next (group commit). Checkpoints fsync the WAL
 * before copying it, as with FULL.
 */
export class SqliteFile {
  readonly db: Database.Database;
  private walFd: Promise<number> | undefined;
  private running: Promise<void> | undefined;
  private following: Promise<void> | undefined;
  private references = 1;

  /** A connection of its own for a path, or one more user of a shared file (each user closes it once). */
  static from(source: string | SqliteFile): SqliteFile {
    if (typeof source === 'string') return new SqliteFile(source);
    source.references += 1;
    return source;
  }

  constructor(readonly path: string) {
    // Owner-only from the first byte: SQLite gives the -wal and -shm files the database file's mode (rule 3).
    closeSync(openSync(path, 'a', 0o600));
    this.db = new Database(path);
    const mode = this.db.pragma('journal_mode = WAL', { simple: true });
    // Without WAL, synchronous = NORMAL would not be durable and there would be no WAL to fsync.
    if (mode !== 'wal')
      throw new Error(`${path}: SQLite could not use WAL mode here (journal_mode is ${String(mode)})`);
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }

  /** Resolves once every commit made on this connection before the call is on disk. */
  durable(): Promise<void> {
    if (!this.running) return this.startFsync();
    // The running fsync may have passed the newest frames already: wait for the next one.
    this.following ??= this.running.then(noop, noop).then(() => {
      this.following = undefined;
      return this.startFsync();
    });
    return this.following;
  }

  private startFsync(): Promise<void> {
    // The WAL exists once this connection has committed; SQLite keeps it while any connection is open.
    this.walFd ??= new Promise((resolve, reject) =>
      open(`${this.path}-wal`, 'r', (error, fd) => (error ? reject(error) : resolve(fd))),
    );
    const run = this.walFd.then(
      (fd) => new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve()))),
    );
    this.running = run;
    const settle = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(settle, settle);
    return run;
  }

  /**
   * Issue 12 §4 (readiness): the connection answers and can take the file's write lock
   * (BEGIN IMMEDIATE, then rolled back: nothing is written). Waits at most 100 ms for another
   * process's writer: the probe runs on the event loop, so it never blocks it for long.
   */
  async ready(): Promise<void> {
    this.db.pragma(`busy_timeout = ${PROBE_BUSY_TIMEOUT_MS}`);
    try {
      this.db.exec('BEGIN IMMEDIATE');
      this.db.exec('ROLLBACK');
    } finally {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  /** The connection closes when its last user closes it. */
  async close(): Promise<void> {
    this.references -= 1;
    if (this.references > 0) return;
    await Promise.allSettled([this.running, this.following]);
    this.db.close();
    const fd = await this.walFd?.catch(() => undefined);
    if (fd !== undefined) await new Promise((resolve) => close(fd, resolve));
  }
}

function noop(): void {}
