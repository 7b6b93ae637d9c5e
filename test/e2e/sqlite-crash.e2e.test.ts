import { expect, it } from 'vitest';
import { runCrashBatches } from '../../testing/sqlite-crash.js';

/** The full 500-flow run is `npm run crash`. */
it('kill -9 of the SQLite issuer at random points mid-batch: every acknowledged step survives, logs fold, nothing issued twice, flows go on', async () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now());
  console.log(`crash points seed ${seed} (replay with CRASH_SEED)`);
  const result = await runCrashBatches({ batches: 3, flowsPerBatch: 12, seed });
  expect(result.flows).toBe(36);
}, 120_000);
