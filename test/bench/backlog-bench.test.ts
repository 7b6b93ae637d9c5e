import { expect, it } from 'vitest';
import { runBacklogBench } from '../../bench/backlog.js';

it('bench/backlog.ts runs on a tiny size: every abandoned session expires in one scheduler run and retention removes it', async () => {
  const figures = await runBacklogBench({ sessions: 120 });
  expect(figures.sessions).toBe(120);
  for (const [name, value] of Object.entries(figures)) expect(Number.isFinite(value) && value > 0, name).toBe(true);
  expect(figures.bytesPerSessionAfterRetention!).toBeLessThan(figures.bytesPerAbandonedSession!);
}, 60_000);
