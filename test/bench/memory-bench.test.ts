import { expect, it } from 'vitest';
import { runMemoryBench } from '../../bench/memory.js';

it('bench/memory.ts runs on a tiny size and reports every figure', async () => {
  const result = await runMemoryBench({ sessions: 300, boundedSessions: 600, boundedCacheSize: 50 });
  expect(result.rows.map((row) => row.cached)).toEqual([300, 50]);
  for (const figures of [result.perTenThousandCached, ...result.rows])
    for (const [name, value] of Object.entries(figures)) expect(Number.isFinite(value) && value > 0, name).toBe(true);
}, 30_000);
