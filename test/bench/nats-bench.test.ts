import { expect, it } from 'vitest';
import { runNatsBench } from '../../bench/nats.js';

it('bench:nats runs on a tiny size and reports append latency and flow throughput for every setup', async () => {
  const result = await runNatsBench({ flows: 2, appends: 14 });
  expect(result.appendLatency.jetstream.appends).toBe(14);
  expect(result.appendLatency.sqlite.p99Ms).toBeGreaterThan(0);
  expect(result.flows.map((row) => row.setup)).toHaveLength(3);
  for (const row of result.flows) expect(row.flowsPerSecond).toBeGreaterThan(0);
}, 120_000);
