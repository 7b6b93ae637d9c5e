import { expect, it } from 'vitest';
import { runRelayBench } from '../../bench/domain-event-relay.js';

it('bench/domain-event-relay.ts runs on a tiny size and reports every figure (issue 16 §3)', async () => {
  const figures = await runRelayBench({ sessions: 4, lags: 5 });
  for (const [name, value] of Object.entries(figures)) expect(Number.isFinite(value) && value > 0, name).toBe(true);
}, 30_000);
