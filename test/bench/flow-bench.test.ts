import { expect, it } from 'vitest';
import { runFlowBench } from '../../bench/flow.js';

const INTERACTIVE = ['challenge', 'challenge with openid4vp_response', 'credential', 'nonce', 'token'];
const ENDPOINTS = {
  L: ['challenge', 'challenge with pdis', 'credential', 'nonce', 'presentation', 'request object', 'token'],
  S1: INTERACTIVE,
  S2: INTERACTIVE,
  S3: INTERACTIVE,
};

it('bench:flow runs on a tiny size and reports its figures, a row per dialect and concurrency', async () => {
  const result = await runFlowBench({ flows: 2, concurrencies: [1, 2], runs: 1, cryptoSeconds: 0.2 });
  // Issue 13: S1/S2/S3 save the request-object fetch and the pdis hop, not a signature or a verification.
  const interactive = { requests: 5, signatures: 8, verifications: 8 };
  expect(result.perFlow).toEqual({
    L: { requests: 7, signatures: 8, verifications: 8 },
    S1: interactive,
    S2: interactive,
    S3: interactive,
  });
  expect(result.cryptoBaseline.median).toBeGreaterThan(0);
  expect(result.httpFloor.median).toBeGreaterThan(0);
  expect(result.rows.map((row) => `${row.dialect} ${row.concurrency}`)).toEqual([
    'L 1',
    'L 2',
    'S1 1',
    'S1 2',
    'S2 1',
    'S2 2',
    'S3 1',
    'S3 2',
  ]);
  for (const row of result.rows) {
    expect(row.flowsPerSecond.median).toBeGreaterThan(0);
    expect(row.ratioToCrypto).toBeGreaterThan(0);
    expect(Object.keys(row.endpoints).sort()).toEqual(ENDPOINTS[row.dialect]);
    for (const latency of Object.values(row.endpoints)) expect(latency.p99Ms).toBeGreaterThan(0);
  }
}, 90_000);
