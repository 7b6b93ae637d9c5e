import { expect, it } from 'vitest';
import { runStoreBench } from '../../bench/store.js';

it('bench/store.ts runs on a tiny size and reports every figure', async () => {
  const figures = await runStoreBench({ events: 3500, samples: 200, restarts: 1, jetstreamEvents: 700 });
  expect(figures.eventsStored).toBe(3500);
  expect(figures.jetstreamEventsStored).toBe(700);
  for (const [name, value] of Object.entries(figures)) expect(Number.isFinite(value) && value > 0, name).toBe(true);
}, 30_000);
