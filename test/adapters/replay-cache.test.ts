import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryReplayCache } from '../../adapters/replay/memory.js';
import type { ReplayCache } from '../../adapters/replay/replay-cache.js';
import { SqliteReplayCache } from '../../adapters/replay/sqlite.js';

const NOW = 1_800_000_000_000;

const caches: Record<string, () => { cache: ReplayCache; another?: () => ReplayCache; dispose: () => void }> = {
  memory: () => ({ cache: new MemoryReplayCache(), dispose: () => undefined }),
  sqlite: () => {
    const dir = mkdtempSync(join(tmpdir(), 'pdi-replay-'));
    const path = join(dir, 'state.sqlite');
    return { cache: new SqliteReplayCache(path), another: () => new SqliteReplayCache(path), dispose: () => rmSync(dir, { recursive: true, force: true }) };
  },
};

describe.each(Object.keys(caches))('replay cache (%s)', (name) => {
  it('RFC 9449 §11.1: a key is accepted once until it expires', async () => {
    const { cache, dispose } = caches[name]!();
    expect(await cache.useOnce('jti-1', NOW + 60_000, NOW)).toBe(true);
    expect(await cache.useOnce('jti-1', NOW + 60_000, NOW + 59_999)).toBe(false);
    expect(await cache.useOnce('jti-1', NOW + 120_000, NOW + 60_000)).toBe(true);
    await cache.close();
    dispose();
  });

  it('of 32 concurrent uses of one key exactly one wins, across connections where there are several', async () => {
    const { cache, another, dispose } = caches[name]!();
    const others = another ? [another(), another()] : [];
    const all = [cache, ...others];
    const results = await Promise.all(Array.from({ length: 32 }, (_, i) => all[i % all.length]!.useOnce('jti-race', NOW + 60_000, NOW)));
    expect(results.filter(Boolean)).toHaveLength(1);
    for (const c of all) await c.close();
    dispose();
  });
});
