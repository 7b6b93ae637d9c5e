import { expect, it } from 'vitest';
import { runEngineBench } from '../../bench/engine.js';

it('bench:engine runs on a tiny size and reports every figure', async () => {
  const figures = await runEngineBench({ sessions: 20 });
  expect(figures.eventsFolded).toBe(140);
  for (const [name, value] of Object.entries(figures)) expect(Number.isFinite(value) && value > 0, name).toBe(true);
});
