/**
 * The full presentation-during-issuance flow over HTTP on the SQLite store, in each dialect
 * the reference wallet speaks (L, S1, S2 and S3, issue 13), beside the two floors it cannot go below,
 * all in one run: requests, signatures and verifications per flow (counted once in process);
 * flows/s and p50/p99 latency (per flow and per endpoint) with 1, 8, 32 and 128 concurrent
 * wallets against the issuer in its own process; the
 * crypto-only baseline (`bench/crypto-baseline.ts`) and the HTTP floor
 * (`bench/http-floor.ts`). Each figure is the median of `--runs` runs, with its range.
 *
 *   npm run bench:flow [-- --flows 300 --runs 3]
 *
 * With `--ops-overhead` it measures instead what metrics and the access log cost: the same
 * flows against an issuer with them on and one with them off, in one run (`bench/ops-overhead.ts`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ReferenceWallet } from '../wallet/reference-wallet.js';
import { freePort, spawnIssuer, startIssuer } from '../testing/index.js';
import { cpuPerUnit } from './cpu-time.js';
import { cryptoBaseline } from './crypto-baseline.js';
import { httpFloor } from './http-floor.js';
import {
  BENCH_DIALECTS,
  type BenchDialect,
  createWallets,
  type LoadResult,
  runDialectFlow,
  runLoad,
} from './load-generator.js';
import { printFlowBench, printOpsOverhead } from './flow-report.js';
import { runOpsOverhead } from './ops-overhead.js';
import { perRequestCost } from './ops-per-request.js';
import { median, medianByKey, numberArg, summary } from './stats.js';

/**
 * One flow in process with every WebCrypto sign and verify counted (jose and @sd-jwt use WebCrypto),
 * after one flow uncounted: the steady state, where the PID issuer's x5c chain and status list are
 * already verified (their first use costs one signature and four verifications more, once per list ttl).
 */
export async function countOneFlow(
  dialect: BenchDialect = 'L',
): Promise<{ requests: number; signatures: number; verifications: number }> {
  const server = await startIssuer({ log: { level: 'warn' }, interactiveAuthorization: { iae: { enabled: true } } });
  const subtle = globalThis.crypto.subtle;
  const counts = { requests: 0, signatures: 0, verifications: 0 };
  const sign = subtle.sign.bind(subtle);
  const verify = subtle.verify.bind(subtle);
  try {
    await runDialectFlow(await server.wallet(), dialect);
    const wallet = await server.wallet();
    const counting = await ReferenceWallet.create({
      ...wallet.options,
      fetch: (input, init) => {
        counts.requests += 1;
        return fetch(input, init);
      },
    });
    subtle.sign = (...args: Parameters<SubtleCrypto['sign']>) => {
      counts.signatures += 1;
      return sign(...args);
    };
    subtle.verify = (...args: Parameters<SubtleCrypto['verify']>) => {
      counts.verifications += 1;
      return verify(...args);
    };
    await runDialectFlow(counting, dialect);
  } finally {
    subtle.sign = sign;
    subtle.verify = verify;
    await server.stop();
  }
  return counts;
}

/**
 * The issuer (`bin/start.ts`) in its own process on the SQLite default. Every bench wallet
 * runs from loopback and keeps its DPoP key from flow to flow, so the session-creation rate
 * limits (issue 10 §4) are raised beyond what a run can reach: the bench measures throughput.
 */
export function startServerProcess(dataDir: string, port: number) {
  const configFile = join(dataDir, 'bench-config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      rateLimits: { sessionsPerMinutePerAddress: 1e9, sessionsPerMinutePerKey: 1e9 },
      // Issue 13: every dialect the reference wallet speaks, S1/S2 at the IAE of the second identifier.
      interactiveAuthorization: { iae: { enabled: true } },
    }),
    { mode: 0o600 },
  );
  return spawnIssuer({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    CONFIG_FILE: configFile,
  });
}

/** Several runs of one setup summarised: median flows/s with its range, median latencies. */
export function summariseRuns(runs: LoadResult[]) {
  const endpointNames = Object.keys(runs[0]!.endpoints);
  return {
    concurrency: runs[0]!.concurrency,
    flowsPerRun: runs[0]!.flows,
    flowsPerSecond: summary(runs.map((run) => run.flowsPerSecond)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    endpoints: Object.fromEntries(
      endpointNames.map((name) => [
        name,
        {
          p50Ms: median(runs.map((run) => run.endpoints[name]!.p50Ms)),
          p99Ms: median(runs.map((run) => run.endpoints[name]!.p99Ms)),
        },
      ]),
    ),
  };
}

export async function runFlowBench(options: {
  flows: number;
  concurrencies: number[];
  runs: number;
  cryptoSeconds: number;
  dialects?: readonly BenchDialect[];
}) {
  const dialects = options.dialects ?? BENCH_DIALECTS;
  const perFlow: Partial<Record<BenchDialect, Awaited<ReturnType<typeof countOneFlow>>>> = {};
  for (const dialect of dialects) perFlow[dialect] = await countOneFlow(dialect);
  // One row per dialect and concurrency; the wallets of a concurrency serve every dialect.
  const setups = dialects.flatMap((dialect) => options.concurrencies.map((_, pool) => ({ dialect, pool })));
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startServerProcess(dataDir, port);
  try {
    const pools = [];
    for (const concurrency of options.concurrencies) pools.push(await createWallets(url, dataDir, concurrency));
    const widest = pools.at(-1)!;
    for (const dialect of dialects) await runLoad(widest, Math.max(20, widest.wallets.length), dialect);
    const results: LoadResult[][] = setups.map(() => []);
    const cpuPerFlow: Array<Array<Record<'server' | 'wallets', number>>> = setups.map(() => []);
    const crypto: number[] = [];
    const http: number[] = [];
    const httpCpu: Array<Record<'server' | 'client', number>> = [];
    // Rounds interleave every figure, so a noisy neighbour hits them alike.
    for (let round = 0; round < options.runs; round++) {
      crypto.push((await cryptoBaseline(options.cryptoSeconds)).flowsPerSecond);
      const floor = await httpFloor(32, 10 * options.flows);
      http.push(floor.flowsPerSecond);
      httpCpu.push(floor.cpuMsPerFlow);
      for (const [i, setup] of setups.entries()) {
        const pool = pools[setup.pool]!;
        const flows = Math.max(options.flows, 2 * pool.wallets.length);
        const { result, cpuMs } = await cpuPerUnit(
          { server: child.pid!, wallets: process.pid },
          (load: LoadResult) => load.flows,
          () => runLoad(pool, flows, setup.dialect),
        );
        results[i]!.push(result);
        cpuPerFlow[i]!.push(cpuMs);
      }
    }
    const baseline = summary(crypto);
    const floor = summary(http);
    // Crypto and HTTP cannot overlap on two cores any better than their costs add up.
    const ceiling = 1 / (1 / baseline.median + 1 / floor.median);
    const rows = results.map((runs, i) => {
      const row = summariseRuns(runs);
      return {
        dialect: setups[i]!.dialect,
        ...row,
        cpuMsPerFlow: medianByKey(cpuPerFlow[i]!),
        ratioToCrypto: row.flowsPerSecond.median / baseline.median,
        ratioToCryptoPlusHttp: row.flowsPerSecond.median / ceiling,
      };
    });
    return {
      perFlow,
      cryptoBaseline: baseline,
      httpFloor: floor,
      httpFloorCpuMsPerFlow: medianByKey(httpCpu),
      cryptoPlusHttpCeiling: ceiling,
      rows,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runs = numberArg('--runs', 3);
  if (process.argv.includes('--ops-overhead')) printOpsOverhead(await measureOpsOverhead(runs), runs);
  else
    printFlowBench(
      await runFlowBench({ flows: numberArg('--flows', 300), concurrencies: [1, 8, 32, 128], runs, cryptoSeconds: 3 }),
      runs,
    );
}

/** Issue 12 §4: metrics and the access log on and off, in whole flows and per request in process. */
async function measureOpsOverhead(runs: number) {
  const result = await runOpsOverhead({ flows: numberArg('--flows', 300), concurrencies: [1, 8, 32, 128], runs });
  const perRequest = await perRequestCost({ requests: 20_000, runs });
  const { requests } = await countOneFlow();
  return { ...result, perRequest, perFlowRequests: requests };
}
