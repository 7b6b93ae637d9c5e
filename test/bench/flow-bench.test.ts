import { expect, it } from 'vitest';
import { runFlowBench } from '../../bench/flow.js';

it('bench:flow runs on a tiny size and reports its figures', async () => {
  const result = await runFlowBench({ flows: 2, concurrencies: [1, 2], runs: 1, cryptoSeconds: 0.2 });
  expect(result.perFlow).toEqual({ requests: 7, signatures: 8, verifications: 8 });
  expect(result.cryptoBaseline.median).toBeGreaterThan(0);
  expect(result.httpFloor.median).toBeGreaterThan(0);
  for (const row of result.rows) {
    expect(row.flowsPerSecond.median).toBeGreaterThan(0);
    expect(row.ratioToCrypto).toBeGreaterThan(0);
    expect(Object.keys(row.endpoints).sort()).toEqual([
      'challenge',
      'challenge with pdis',
      'credential',
      'nonce',
      'presentation',
      'request object',
      'token',
    ]);
    for (const latency of Object.values(row.endpoints)) expect(latency.p99Ms).toBeGreaterThan(0);
  }
}, 60_000);
