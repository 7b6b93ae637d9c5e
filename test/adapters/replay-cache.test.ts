import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamReplayCache } from '../../adapters/stores/jetstream/replay-cache.js';
import { MemoryReplayCache } from '../../adapters/stores/memory/replay-cache.js';
import type { ReplayCache } from '../../adapters/stores/ports.js';
import { SqliteReplayCache } from '../../adapters/stores/sqlite/replay-cache.js';
import { startNatsServer, type RunningNats } from '../../testing/nats-server.js';
import { RecordMac } from '../../adapters/keys/record-mac.js';

const mac = new RecordMac(randomBytes(32));

const NOW = 1_800_000_000_000;
let nats: RunningNats;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(() => nats.stop());

interface OpenedCache {
  /** Several handles on one shared cache (one per process), or one where the cache is per process. */
  handles: ReplayCache[];
  dispose: () => Promise<void>;
}
let buckets = 0;

const caches: Record<string, () => Promise<OpenedCache>> = {
  memory: async () => ({ handles: [new MemoryReplayCache()], dispose: async () => undefined }),
  sqlite: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pdi-replay-'));
    const path = join(dir, 'state.sqlite');
    const handles = [new SqliteReplayCache(path), new SqliteReplayCache(path), new SqliteReplayCache(path)];
    return {
      handles,
      dispose: async () => {
        for (const handle of handles) await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  jetstream: async () => {
    const bucket = `pdi-replay-test-${++buckets}`;
    const connections = await Promise.all([nats.connect(), nats.connect(), nats.connect()]);
    const handles = await Promise.all(connections.map((nc) => JetStreamReplayCache.open(nc, mac, bucket)));
    return {
      handles,
      dispose: async () => {
        for (const nc of connections) await nc.close();
      },
    };
  },
};

describe.each(Object.keys(caches))('replay cache (%s)', (name) => {
  it('RFC 9449 §11.1: a key is accepted once until it expires', async () => {
    const { handles, dispose } = await caches[name]!();
    const cache = handles[0]!;
    expect(await cache.useOnce('jti-1', NOW + 60_000, NOW)).toBe(true);
    expect(await cache.useOnce('jti-1', NOW + 60_000, NOW + 59_999)).toBe(false);
    expect(await cache.useOnce('jti-1', NOW + 120_000, NOW + 60_000)).toBe(true);
    await dispose();
  });

  it('of 32 concurrent uses of one key exactly one wins, across every handle on the cache', async () => {
    const { handles, dispose } = await caches[name]!();
    const results = await Promise.all(
      Array.from({ length: 32 }, (_, i) => handles[i % handles.length]!.useOnce('jti-race', NOW + 60_000, NOW)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await dispose();
  });
});
