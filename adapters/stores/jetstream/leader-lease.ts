import { setTimeout as sleep } from 'node:timers/promises';
import { JetStreamApiCodes, JetStreamApiError, jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';

export interface LeaseOptions {
  /** The KV bucket holding the leases (created when absent, its entries aging out after `ttlMs`). */
  bucket: string;
  /** What is led: one holder per key. */
  key: string;
  /** Who this process is (written as the entry's value, so an operator sees who leads). */
  holder: string;
  /** How long a lease lasts without renewal; an existing bucket keeps the TTL it was created with. */
  ttlMs: number;
  replicas?: number;
  warn?: (line: string) => void;
}

/** The leadership of one process: `task` runs while it holds the lease. */
export interface Leadership {
  /** Whether this process holds the lease now. */
  readonly leading: boolean;
  /** Stops the task (awaited: it finishes what it acknowledged) and releases the lease, so another holder takes it at once. */
  stop: () => Promise<void>;
}

const wrongRevision = (error: unknown) =>
  error instanceof JetStreamApiError &&
  (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
    error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);

/**
 * One lease as a KV entry in a bucket whose TTL is the lease's length: taken with `create`
 * (create-if-absent: one taker wins), renewed with an `update` at the revision this holder wrote
 * (a renewal after someone else wrote it fails), handed back with a revision-checked delete. A
 * holder that stops renewing loses it when the server removes the entry.
 */
export class KvLease {
  private revision = 0;

  constructor(
    private readonly kv: KV,
    private readonly key: string,
    readonly holder: string,
  ) {}

  get holding(): boolean {
    return this.revision !== 0;
  }

  /** Take the lease when nobody holds it. */
  async take(): Promise<boolean> {
    try {
      this.revision = await this.kv.create(this.key, this.holder);
      return true;
    } catch {
      return false;
    }
  }

  /** Renew the lease held; a failed write throws, and one someone else's write refused also forgets the lease. */
  async renew(): Promise<void> {
    try {
      this.revision = await this.kv.update(this.key, this.holder, this.revision);
    } catch (error) {
      if (wrongRevision(error)) this.forget();
      throw error;
    }
  }

  /** Whether this holder holds the lease now: renewed when it held it, else taken when nobody does. */
  async held(): Promise<boolean> {
    if (this.holding)
      try {
        await this.renew();
        return true;
      } catch {
        this.forget();
      }
    return this.take();
  }

  forget(): void {
    this.revision = 0;
  }

  /** Hand the lease back, so another holder takes it at once rather than after the TTL. */
  async release(): Promise<void> {
    const previousSeq = this.revision;
    this.forget();
    if (previousSeq) await this.kv.delete(this.key, { previousSeq }).catch(() => undefined);
  }
}

/**
 * A leader lease in a KV bucket with a TTL: the holder creates the key (only one create of an
 * absent key succeeds), renews it every third of the TTL by revision (a renewal after someone
 * else took it fails), and deletes it when it stops. When the holder dies its entry ages out and
 * a candidate, which tries every third of the TTL, takes over. A holder that cannot renew for
 * two thirds of the TTL (a partition) gives the lease up before its entry can expire, so two
 * holders overlap only by what a task does between its checks of the signal.
 */
export async function runAsLeader(
  nc: NatsConnection,
  options: LeaseOptions,
  task: (lost: AbortSignal) => Promise<void>,
): Promise<Leadership> {
  const warn = options.warn ?? console.error;
  const kv: KV = await new Kvm(jetstream(nc)).create(options.bucket, {
    history: 1,
    ttl: options.ttlMs,
    replicas: options.replicas ?? 1,
  });
  const ttl = (await kv.status()).ttl || options.ttlMs;
  const interval = Math.max(50, Math.floor(ttl / 3));
  const stopping = new AbortController();
  const lease = new KvLease(kv, options.key, options.holder);
  let renewedAt = 0;
  let running: { lost: AbortController; done: Promise<void>; finished: boolean } | undefined;

  // A task that ends while the lease is held (it failed) is started again at the next renewal.
  const begin = () => {
    const lost = new AbortController();
    const run = { lost, finished: false, done: Promise.resolve() };
    run.done = task(lost.signal)
      .catch((error) => warn(`lease ${options.key}: the task failed: ${String(error)}`))
      .finally(() => {
        run.finished = true;
      });
    running = run;
  };
  const end = async () => {
    if (!running) return;
    running.lost.abort();
    await running.done;
    running = undefined;
  };
  const tick = async () => {
    if (!lease.holding) {
      if (!(await lease.take())) return;
      renewedAt = Date.now();
      begin();
      return;
    }
    try {
      await lease.renew();
      renewedAt = Date.now();
      if (!running || running.finished) begin();
    } catch (error) {
      if (!lease.holding || Date.now() - renewedAt >= ttl - interval) {
        warn(`lease ${options.key}: ${options.holder} lost it (${String(error)})`);
        lease.forget();
        await end();
      }
    }
  };
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      await tick();
      await sleep(interval, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  })();

  return {
    get leading() {
      return running !== undefined && !running.lost.signal.aborted;
    },
    stop: async () => {
      stopping.abort();
      await loop;
      await end();
      await lease.release();
    },
  };
}
