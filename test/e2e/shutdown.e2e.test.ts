import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../adapters/stores/sqlite/event-store.js';
import { createWallets } from '../../bench/load-generator.js';
import { freePort } from '../../testing/cluster.js';
import { tempDirs } from '../support/temp-dirs.js';
import { checkLogs, runOne, type FlowResult } from '../../testing/fault-checks.js';
import { spawnIssuer } from '../../testing/issuer-process.js';

const dirs = tempDirs('pdi-shutdown-');
afterAll(dirs.removeAll);
const tempDir = dirs.make;

const exited = (child: { once: (event: 'exit', listener: (code: number | null) => void) => void }) =>
  new Promise<number | null>((resolve) => child.once('exit', resolve));

async function portClosed(port: number): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (
      !(await fetch(`http://127.0.0.1:${port}/nonce`, { method: 'POST' }).then(
        () => true,
        () => false,
      ))
    )
      return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('shutdown loses nothing (hardening §6, rule 4)', () => {
  it('hardening §6: SIGTERM while 8 wallets run flows answers no 5xx, exits 0, and every acknowledged step is in the log', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = await spawnIssuer({ PORT: String(port), PUBLIC_URL: url, DATA_DIR: dataDir });
    const { wallets } = await createWallets(url, dataDir, 8);
    const results: FlowResult[] = [];
    const loops = wallets.map(async (wallet) => {
      for (;;) {
        const result = await runOne(wallet);
        results.push(result);
        if (result.error) return;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const code = exited(child);
    child.kill('SIGTERM');
    expect(await code).toBe(0);
    await Promise.all(loops);
    expect(results.filter((result) => result.credential).length).toBeGreaterThan(0);
    for (const result of results.filter((r) => r.error)) expect(result.error).not.toMatch(/HTTP 5\d\d/);
    const store = new SqliteEventStore(join(dataDir, 'events.sqlite'));
    await checkLogs((sessionId) => store.read(sessionId), results);
    await store.close();
  });

  it('hardening §6: SIGTERM to `npm start` reaches the issuer: npm and the server exit and the port is free', async () => {
    const port = await freePort();
    const npm = spawn('npm', ['start', '--silent'], {
      env: { ...process.env, PORT: String(port), DATA_DIR: tempDir() },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      npm.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
      npm.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
    });
    const code = exited(npm);
    npm.kill('SIGTERM');
    await code;
    expect(await portClosed(port)).toBe(true);
  });
});
