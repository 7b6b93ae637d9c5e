import { expect, it } from 'vitest';
import { runNatsBench } from '../../bench/nats.js';

it('bench:nats runs on a tiny size and reports append figures and flow throughput for every setup', async () => {
  const result = await runNatsBench({ flows: 2, appends: 14, runs: 1, concurrencies: [1] });
  expect(result.appends.jetstream.appends).toBe(14);
  expect(result.appends.sqlite.p99Ms).toBeGreaterThan(0);
  expect(result.appends.jetstream.interleavedEventsPerSecond).toBeGreaterThan(0);
  expect(result.flows.map((row) => row.setup)).toHaveLength(5);
  for (const row of result.flows) expect(row.flowsPerSecond.median).toBeGreaterThan(0);
}, 180_000);
