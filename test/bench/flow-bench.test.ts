import { expect, it } from 'vitest';
import { runFlowBench } from '../../bench/flow.js';

it('bench:flow runs on a tiny size and reports its figures', async () => {
  const result = await runFlowBench({ flows: 2, concurrencies: [1, 2] });
  expect(result.perFlow).toEqual({ requests: 7, signatures: 8, verifications: 8 });
  expect(result.baseline.flowsPerSecond).toBeGreaterThan(0);
  for (const row of result.rows) {
    expect(row.flowsPerSecond).toBeGreaterThan(0);
    expect(row.ratioToCrypto).toBeGreaterThan(0);
    expect(Number.isFinite(row.p99Ms)).toBe(true);
  }
});
