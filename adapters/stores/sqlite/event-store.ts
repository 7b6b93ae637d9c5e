import type { Transaction } from 'better-sqlite3';
import { GroupCommit } from './group-commit.js';
import { SqliteFile } from './sqlite-file.js';
import {
  type SessionEvent,
  parseEvent,
  VersionConflict,
  type AppendOptions,
  type EventStore,
  type EventType,
  type RecentStreamsQuery,
  type StreamSummary,
} from '../../../engine/index.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  stream_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (stream_id, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deadlines (
  stream_id TEXT PRIMARY KEY,
  deadline INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deadlines_by_time ON deadlines (deadline);
CREATE TABLE IF NOT EXISTS ended (
  stream_id TEXT PRIMARY KEY,
  ended_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ended_by_time ON ended (ended_at);
CREATE INDEX IF NOT EXISTS events_by_time ON events (at, stream_id);
CREATE TABLE IF NOT EXISTS retained (
  stream_id TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  events INTEGER NOT NULL
) WITHOUT ROWID;
`;

type AppendResult = { version: number; duplicate: boolean };

interface Append {
  streamId: string;
  expected: number;
  events: SessionEvent[];
  deadline: number | null;
}

/**
 * The embedded default store: one SQLite file in WAL mode; an append resolves once it is
 * on disk. Appends that arrive in the same turn of the event loop are group-committed
 * (`GroupCommit`): one IMMEDIATE transaction checks and writes each of them in order, and
 * each is answered on its own (written, duplicate, or conflict) once it is durable.
 * (stream_id, version) and event_id are unique, so no two writers, in this process or
 * another, can both extend one version of a stream.
 */
export class SqliteEventStore implements EventStore {
  private readonly file: SqliteFile;
  private readonly statements;
  private readonly commits: GroupCommit<Append, AppendResult | VersionConflict>;
  private readonly compaction: Transaction<(ids: string[]) => void>;

  /** `onGroupCommit` is told the size of every group-committed batch of appends (issue 12 §4: metrics). */
  constructor(
    readonly path: string,
    options: { onGroupCommit?: (size: number) => void } = {},
  ) {
    this.file = new SqliteFile(path);
    const db = this.file.db;
    db.exec(SCHEMA);
    this.statements = {
      read: db.prepare<[string], { data: string }>('SELECT data FROM events WHERE stream_id = ? ORDER BY version'),
      version: db.prepare<[string], { v: number | null }>('SELECT MAX(version) AS v FROM events WHERE stream_id = ?'),
      known: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM events WHERE event_id = ?'),
      insert: db.prepare('INSERT INTO events (stream_id, version, event_id, type, at, data) VALUES (?, ?, ?, ?, ?, ?)'),
      // An unchanged deadline writes nothing (no table or index page dirtied in the WAL).
      setDeadline: db.prepare(
        'INSERT INTO deadlines (stream_id, deadline) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET deadline = excluded.deadline WHERE deadline <> excluded.deadline',
      ),
      clearDeadline: db.prepare('DELETE FROM deadlines WHERE stream_id = ?'),
      due: db.prepare<[number, number], { stream_id: string }>(
        'SELECT stream_id FROM deadlines WHERE deadline <= ? ORDER BY deadline LIMIT ?',
      ),
      markEnded: db.prepare(
        'INSERT INTO ended (stream_id, ended_at) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET ended_at = excluded.ended_at',
      ),
      endedBefore: db.prepare<[number, number], { stream_id: string }>(
        'SELECT stream_id FROM ended WHERE ended_at < ? ORDER BY ended_at LIMIT ?',
      ),
      retain: db.prepare(
        `INSERT OR REPLACE INTO retained (stream_id, started_at, ended_at, outcome, events)
         SELECT stream_id, MIN(at), MAX(at), (SELECT type FROM events WHERE stream_id = @id ORDER BY version DESC LIMIT 1), COUNT(*)
         FROM events WHERE stream_id = @id GROUP BY stream_id`,
      ),
      // Issue 15 §2: newest events first over events_by_time, each kept only if it is its stream's last.
      recent: db.prepare<
        {
          since: number;
          until: number;
          afterAt: number;
          afterId: string;
          anyType: number;
          types: string;
          limit: number;
        },
        { stream_id: string; last_at: number; last_type: EventType; events: number; started_at: number }
      >(
        `SELECT e.stream_id, e.at AS last_at, e.type AS last_type, e.version AS events,
           (SELECT f.at FROM events f WHERE f.stream_id = e.stream_id AND f.version = 1) AS started_at
         FROM events e
         WHERE e.at >= @since AND e.at <= @until
           AND (e.at < @afterAt OR (e.at = @afterAt AND e.stream_id < @afterId))
           AND NOT EXISTS (SELECT 1 FROM events n WHERE n.stream_id = e.stream_id AND n.version = e.version + 1)
           AND (@anyType = 1 OR e.type IN (SELECT value FROM json_each(@types)))
         ORDER BY e.at DESC, e.stream_id DESC
         LIMIT @limit`,
      ),
      dropEvents: db.prepare('DELETE FROM events WHERE stream_id = ?'),
      dropEnded: db.prepare('DELETE FROM ended WHERE stream_id = ?'),
    };
    this.compaction = db.transaction((ids: string[]) => {
      for (const id of ids) {
        this.statements.retain.run({ id });
        this.statements.dropEvents.run(id);
        this.statements.dropEnded.run(id);
      }
    });
    this.commits = new GroupCommit(this.file, (append) => this.appendOne(append), options.onGroupCommit);
  }

  /** One append inside the batch's transaction: its result, or the conflict it met (which spoils nothing else). */
  private appendOne({ streamId, expected, events, deadline }: Append): AppendResult | VersionConflict {
    const current = this.statements.version.get(streamId)?.v ?? 0;
    if (events.some((event) => this.statements.known.get(event.meta.id))) return { version: current, duplicate: true };
    if (current !== expected) return new VersionConflict(streamId, expected, current);
    let version = current;
    for (const event of events) {
      version += 1;
      this.statements.insert.run(streamId, version, event.meta.id, event.type, event.meta.at, JSON.stringify(event));
    }
    if (deadline === null) {
      // Nothing can end the stream any more: it has ended (or completed), and retention may compact it later.
      this.statements.clearDeadline.run(streamId);
      this.statements.markEnded.run(streamId, events.at(-1)!.meta.at);
    } else this.statements.setDeadline.run(streamId, deadline);
    return { version, duplicate: false };
  }

  async read(streamId: string): Promise<SessionEvent[]> {
    return this.statements.read
      .all(streamId)
      .map((row, index) => parseEvent(row.data, { streamId, version: index + 1 }));
  }

  async append(
    streamId: string,
    expected: number,
    events: SessionEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    // Even a conflict or a duplicate is answered only once durable: it was decided on what the batch wrote.
    const outcome = await this.commits.submit({ streamId, expected, events, deadline: options.deadline });
    if (outcome instanceof VersionConflict) throw outcome;
    return outcome;
  }

  async due(at: number, limit: number): Promise<string[]> {
    return this.statements.due.all(at, limit).map((row) => row.stream_id);
  }

  async recentStreams(query: RecentStreamsQuery): Promise<StreamSummary[]> {
    const rows = this.statements.recent.all({
      since: query.since ?? 0,
      until: query.until ?? Number.MAX_SAFE_INTEGER,
      afterAt: query.after?.at ?? Number.MAX_SAFE_INTEGER,
      afterId: query.after?.streamId ?? '',
      anyType: query.lastTypes ? 0 : 1,
      types: JSON.stringify(query.lastTypes ?? []),
      limit: query.limit,
    });
    return rows.map((row) => ({
      streamId: row.stream_id,
      startedAt: row.started_at,
      lastAt: row.last_at,
      lastType: row.last_type,
      events: row.events,
    }));
  }

  /**
   * Issue 10 §4 retention: streams that ended before `endedBefore` are replaced by one
   * `retained` row each (start, end, final event type, event count: no personal data, no
   * handle hash, no pseudonym); their events are deleted, so the file's pages are reused.
   */
  async compactEnded(endedBefore: number, limit: number): Promise<string[]> {
    const ids = this.statements.endedBefore.all(endedBefore, limit).map((row) => row.stream_id);
    if (ids.length === 0) return ids;
    this.compaction.immediate(ids);
    await this.file.durable();
    return ids;
  }

  ready(): Promise<void> {
    return this.file.ready();
  }

  async close(): Promise<void> {
    this.commits.flush();
    await this.file.close();
  }
}
