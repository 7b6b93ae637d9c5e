import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/nats-core';

/**
 * Issue 16 §2: the sessions' deadlines in memory, kept current by a watch of the deadline bucket
 * (one ordered consumer: the bucket's values once, then every change as it is written), so that
 * `due` is a look-up, not a read of every entry. Only the instance holding the scheduler lease
 * keeps one. Its own writes are noted at once (an append is never followed by a stale `due`):
 * a put by its revision (an older one the watch delivers later is ignored); a delete blocks the
 * key's older puts until the watch delivers the delete itself (the watch delivers in stream order).
 */
export class DeadlineIndex {
  private readonly deadlines = new Map<string, { revision: number; at: number }>();
  /** Keys this instance deleted whose delete the watch has not delivered yet. */
  private readonly deleted = new Set<string>();
  private watcher: QueuedIterator<KvWatchEntry> | undefined;
  private loaded: Promise<void> | undefined;

  /** `deadlineOf` opens a stored value: its time, or NaN when it fails its MAC (never due). */
  constructor(
    private readonly kv: KV,
    private readonly deadlineOf: (key: string, signed: string) => number,
  ) {}

  /** Start watching (once): resolved when the bucket's current values are in; a failed start is tried again next time. */
  start(): Promise<void> {
    this.loaded ??= this.watch().catch((error: unknown) => {
      this.stop();
      throw error;
    });
    return this.loaded;
  }

  private async watch(): Promise<void> {
    const empty = (await this.kv.status()).values === 0;
    const watcher = await this.kv.watch();
    this.watcher = watcher;
    let loaded = () => {};
    const initial = new Promise<void>((resolve) => (loaded = resolve));
    if (empty) loaded();
    void (async () => {
      for await (const entry of watcher) {
        this.apply(entry);
        if (entry.delta === 0) loaded();
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        loaded();
        if (this.watcher === watcher) this.stop();
      });
    await initial;
  }

  /** Stop watching and forget (the lease went to another instance, or the store closes). */
  stop(): void {
    this.watcher?.stop();
    this.watcher = undefined;
    this.loaded = undefined;
    this.deadlines.clear();
    this.deleted.clear();
  }

  private apply(entry: KvWatchEntry): void {
    if (entry.operation !== 'PUT') {
      this.deleted.delete(entry.key);
      const known = this.deadlines.get(entry.key);
      if (known && known.revision < entry.revision) this.deadlines.delete(entry.key);
      return;
    }
    if (this.deleted.has(entry.key)) return;
    this.set(entry.key, entry.revision, this.deadlineOf(entry.key, entry.string()));
  }

  private set(key: string, revision: number, at: number): void {
    const known = this.deadlines.get(key);
    if (!known || known.revision < revision) this.deadlines.set(key, { revision, at });
  }

  /** This instance wrote `key`'s deadline at `revision`. */
  noteWritten(key: string, revision: number, at: number): void {
    if (!this.watcher) return;
    this.deleted.delete(key);
    this.set(key, revision, at);
  }

  /** This instance deleted `key`'s deadline. */
  noteDeleted(key: string): void {
    if (!this.watcher) return;
    this.deadlines.delete(key);
    this.deleted.add(key);
  }

  /** The keys whose deadline is at or before `at`, oldest deadline first, `limit` at most. */
  due(at: number, limit: number): string[] {
    return [...this.deadlines]
      .filter(([, deadline]) => deadline.at <= at)
      .sort(([, a], [, b]) => a.at - b.at)
      .slice(0, limit)
      .map(([key]) => key);
  }
}
