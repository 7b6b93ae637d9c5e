import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SqliteEventStore } from '../adapters/stores/sqlite/event-store.js';
import { DEMO_PERSON, openDemoPidIssuer } from '../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../wallet/keys.js';
import { ReferenceWallet } from '../wallet/reference-wallet.js';
import { freePort } from './cluster.js';
import { spawnIssuer } from './issuer-process.js';
import { answering, checkLogs, expectCompleteOrClear, runOne, type FlowResult } from './fault-checks.js';

function startServer(dataDir: string, port: number) {
  return spawnIssuer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir });
}

async function wallets(dataDir: string, url: string, count: number): Promise<ReferenceWallet[]> {
  const pidIssuer = await openDemoPidIssuer(dataDir, url);
  return Promise.all(
    Array.from({ length: count }, async () => {
      const holderKey = await generateWalletKey();
      return ReferenceWallet.create({
        issuerUrl: url,
        holderKey,
        pid: await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now()),
      });
    }),
  );
}

/**
 * House rule 3 under crashes: batches of concurrent flows against the SQLite issuer in its
 * own process, each batch cut by kill -9 at a random point (from `seed`), the issuer
 * restarted on the same data directory each time. Checks every acknowledged step is in the
 * log, every log folds, nothing was issued twice, and a flow after the last crash completes.
 */
export async function runCrashBatches(options: { batches: number; flowsPerBatch: number; seed: number }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-crash-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const delays = fc.sample(fc.integer({ min: 50, max: 1500 }), { numRuns: options.batches, seed: options.seed });
  const results: FlowResult[] = [];
  try {
    for (const delay of delays) {
      const child = await startServer(dataDir, port);
      const batch = Promise.all((await wallets(dataDir, url, options.flowsPerBatch)).map(runOne));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      results.push(...(await batch));
    }
    expectCompleteOrClear(results);
    const restarted = await startServer(dataDir, port);
    try {
      await answering(url);
      const store = new SqliteEventStore(join(dataDir, 'events.sqlite'));
      await checkLogs((sessionId) => store.read(sessionId), results);
      await store.close();
      const after = await runOne((await wallets(dataDir, url, 1))[0]!);
      if (!after.credential) throw new Error(`a flow after the crashes failed: ${after.error}`);
    } finally {
      restarted.kill('SIGKILL');
    }
    return {
      flows: results.length,
      completed: results.filter((r) => r.credential).length,
      acknowledgedSteps: results.reduce((n, r) => n + r.acknowledged.length, 0),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
