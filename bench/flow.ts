/**
 * What a full presentation-during-issuance flow costs over HTTP on the SQLite store:
 * requests, signatures and verifications per flow (counted, one instrumented flow in
 * process), then flows per second with 1, 8 and 32 concurrent wallets against the
 * issuer running in a separate process (`bin/start.ts`), all in one run.
 *
 * The crypto-only baseline (`bench/crypto-baseline.ts`) runs in the same run for the ratio.
 *
 *   npm run bench:flow [-- --flows 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEMO_PERSON, openDemoPidIssuer } from '../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../wallet/keys.js';
import { ReferenceWallet } from '../wallet/reference-wallet.js';
import { cryptoBaseline } from './crypto-baseline.js';
import { freePort } from '../test/support/cluster.js';
import { spawnIssuer } from '../test/support/issuer-process.js';
import { startIssuer } from '../test/support/issuer-server.js';

const FLOW = { scope: 'membership', configurationId: 'demo_membership' };

/** One flow in process with every WebCrypto sign and verify counted (jose and @sd-jwt use WebCrypto). */
export async function countOneFlow(): Promise<{ requests: number; signatures: number; verifications: number }> {
  const server = await startIssuer();
  const subtle = globalThis.crypto.subtle;
  const counts = { requests: 0, signatures: 0, verifications: 0 };
  const sign = subtle.sign.bind(subtle);
  const verify = subtle.verify.bind(subtle);
  try {
    const wallet = await server.wallet();
    const counting = await ReferenceWallet.create({
      ...wallet.options, fetch: (input, init) => ((counts.requests += 1), fetch(input, init)),
    });
    subtle.sign = (...args: Parameters<SubtleCrypto['sign']>) => ((counts.signatures += 1), sign(...args));
    subtle.verify = (...args: Parameters<SubtleCrypto['verify']>) => ((counts.verifications += 1), verify(...args));
    await counting.runFlow(FLOW);
  } finally {
    subtle.sign = sign;
    subtle.verify = verify;
    await server.stop();
  }
  return counts;
}

/** The issuer (`bin/start.ts`) in its own process on the SQLite default. */
export function startServerProcess(dataDir: string, port: number) {
  return spawnIssuer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir });
}

/** Flows per second with `concurrency` wallets sharing `flows` flows, against the issuer at `url`. */
export async function throughput(url: string, dataDir: string, concurrency: number, flows: number) {
  const pidIssuer = await openDemoPidIssuer(dataDir);
  const wallets = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const holderKey = await generateWalletKey();
      return ReferenceWallet.create({ issuerUrl: url, holderKey, pid: await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now()) });
    }),
  );
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    wallets.map(async (wallet) => {
      while (next < flows) {
        next += 1;
        const t0 = performance.now();
        await wallet.runFlow(FLOW);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { concurrency, flows: latencies.length, flowsPerSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export async function runFlowBench(options: { flows: number; concurrencies: number[] }) {
  const perFlow = await countOneFlow();
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-bench-'));
  const port = await freePort();
  const child = await startServerProcess(dataDir, port);
  try {
    const rows = [];
    for (const concurrency of options.concurrencies)
      rows.push(await throughput(`http://127.0.0.1:${port}`, dataDir, concurrency, Math.max(options.flows, concurrency)));
    const baseline = await cryptoBaseline(3);
    return { perFlow, baseline, rows: rows.map((row) => ({ ...row, ratioToCrypto: row.flowsPerSecond / baseline.flowsPerSecond })) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const flowsArg = process.argv.indexOf('--flows');
  const flows = flowsArg > 0 ? Number(process.argv[flowsArg + 1]) : 200;
  const result = await runFlowBench({ flows, concurrencies: [1, 8, 32] });
  console.log(`per flow: ${result.perFlow.requests} HTTP requests, ${result.perFlow.signatures} signatures, ${result.perFlow.verifications} verifications (wallet and server)`);
  console.log(`crypto-only baseline (same run): ${result.baseline.flowsPerSecond.toFixed(1)} flows/s on ${result.baseline.processes} processes`);
  console.log('wallets  flows  flows/s  p50 ms  p99 ms  of baseline');
  for (const row of result.rows)
    console.log(`${String(row.concurrency).padStart(7)}  ${String(row.flows).padStart(5)}  ${row.flowsPerSecond.toFixed(1).padStart(7)}  ${row.p50Ms.toFixed(1).padStart(6)}  ${row.p99Ms.toFixed(1).padStart(6)}  ${(row.ratioToCrypto * 100).toFixed(1).padStart(9)} %`);
  console.log(`JSON ${JSON.stringify(result)}`);
}
