import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { SqliteEventStore } from '../../adapters/store/sqlite.js';
import { DEMO_PERSON, openDemoPidIssuer } from '../../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../../wallet/keys.js';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';
import { freePort } from '../support/cluster.js';
import { answering, checkLogs, expectCompleteOrClear, runOne, type FlowResult } from '../support/fault-checks.js';

const dataDir = mkdtempSync(join(tmpdir(), 'pdi-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startServer(port: number): Promise<ChildProcess> {
  const env = { ...process.env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir };
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`issuer exited with ${code}`)));
  });
  return child;
}

/** Seed 002 §3.3 / house rule 3: kill -9 at random points, restart on the same data directory, lose nothing acknowledged. */
it('kill -9 of the SQLite issuer at random points mid-batch: every acknowledged step survives, logs fold, nothing issued twice, flows go on', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const seed = Date.now();
  console.log(`crash points seed ${seed} (replay with this seed)`);
  const delays = fc.sample(fc.integer({ min: 50, max: 600 }), { numRuns: 3, seed });
  const results: FlowResult[] = [];
  for (const delay of delays) {
    const child = await startServer(port);
    const pidIssuer = await openDemoPidIssuer(dataDir);
    const wallets = await Promise.all(Array.from({ length: 12 }, async () => {
      const holderKey = await generateWalletKey();
      return ReferenceWallet.create({ issuerUrl: url, holderKey, pid: await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now()) });
    }));
    const batch = Promise.all(wallets.map(runOne));
    await new Promise((resolve) => setTimeout(resolve, delay));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    results.push(...(await batch));
  }
  expectCompleteOrClear(results);
  const restarted = await startServer(port);
  try {
    await answering(url);
    const store = new SqliteEventStore(join(dataDir, 'events.sqlite'));
    await checkLogs((sessionId) => store.read(sessionId), results);
    await store.close();
    const pidIssuer = await openDemoPidIssuer(dataDir);
    const holderKey = await generateWalletKey();
    const wallet = await ReferenceWallet.create({ issuerUrl: url, holderKey, pid: await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now()) });
    expect((await runOne(wallet)).credential).toContain('~');
  } finally {
    restarted.kill('SIGKILL');
  }
}, 120_000);
