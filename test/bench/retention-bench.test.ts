import { expect, it } from 'vitest';
import { runRetentionBench } from '../../bench/retention.js';

it('bench/retention.ts runs on a tiny size: every abandoned session expires and is compacted', async () => {
  const figures = await runRetentionBench({ sessions: 300 });
  expect([figures.expired, figures.compacted]).toEqual([figures.sessions, figures.sessions]);
  expect(figures.bytesPerSessionAfterRetention).toBeLessThan(figures.bytesPerSessionAfterExpiry);
  for (const [name, value] of Object.entries(figures)) expect(Number.isFinite(value), name).toBe(true);
}, 60_000);
