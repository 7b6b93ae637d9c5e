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
  let revision = 0;
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
    revision = 0;
  };
  const tick = async () => {
    try {
      revision = revision
        ? await kv.update(options.key, options.holder, revision)
        : await kv.create(options.key, options.holder);
      renewedAt = Date.now();
      if (!running || running.finished) begin();
    } catch (error) {
      if (!revision) return;
      if (wrongRevision(error) || Date.now() - renewedAt >= ttl - interval) {
        warn(`lease ${options.key}: ${options.holder} lost it (${String(error)})`);
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
      const held = revision;
      await end();
      if (held) await kv.delete(options.key, { previousSeq: held }).catch(() => undefined);
    },
  };
}
