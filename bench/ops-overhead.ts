/**
 * Issue 12 §4: what metrics and the access log cost. Two issuers (`bin/start.ts`) on the SQLite
 * default side by side, each logging into a real file in its data directory: one with metrics
 * on and the access log written (`log.level` info), one with metrics off and only warnings
 * logged. The same wallets' flows alternate between them, round by round, at each concurrency,
 * and the throughput ratio (on / off) is printed with each server's CPU per flow (process CPU
 * time leaves out what a shared host steals, so it is the steadier figure); the requirement is a
 * cost under 5 %.
 *
 *   npx tsx bench/flow.ts --ops-overhead [--flows 200 --runs 3]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../config/schema.js';
import { freePort } from '../testing/index.js';
import { cpuPerUnit } from './cpu-time.js';
import { createWallets, runLoad, type LoadResult } from './load-generator.js';
import { median, summary } from './stats.js';

/** The bench wallets run from loopback with one DPoP key each: the session rate limits are raised beyond reach. */
const UNLIMITED = { rateLimits: { sessionsPerMinutePerAddress: 1e9, sessionsPerMinutePerKey: 1e9 } };

export const OPS_ON: Partial<ConfigInput> = { log: { level: 'info' }, metrics: { enabled: true } };
export const OPS_OFF: Partial<ConfigInput> = { log: { level: 'warn' }, metrics: { enabled: false } };

interface LoggingIssuer {
  url: string;
  dataDir: string;
  logFile: string;
  child: ChildProcess;
}

/** `bin/start.ts` with `config`, its stdout (every log line) into a file, resolved once /readyz answers 200. */
async function startLoggingIssuer(config: Partial<ConfigInput>): Promise<LoggingIssuer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-bench-ops-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configFile = join(dataDir, 'bench-config.json');
  writeFileSync(configFile, JSON.stringify({ ...UNLIMITED, ...config }), { mode: 0o600 });
  const logFile = join(dataDir, 'issuer.log');
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts', '--demo'], {
    env: { ...process.env, PORT: String(port), PUBLIC_URL: url, DATA_DIR: dataDir, CONFIG_FILE: configFile },
    stdio: ['ignore', openSync(logFile, 'a', 0o600), 'inherit'],
  });
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${url}/readyz`).then(
      (answer) => answer.ok,
      () => false,
    );
    if (ready) break;
    if (attempt > 300 || child.exitCode !== null) throw new Error(`issuer on ${url} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, dataDir, logFile, child };
}

async function stopIssuer(issuer: LoggingIssuer): Promise<void> {
  issuer.child.kill('SIGTERM');
  await new Promise((resolve) => issuer.child.once('exit', resolve));
  rmSync(issuer.dataDir, { recursive: true, force: true });
}

export async function runOpsOverhead(options: { flows: number; concurrencies: number[]; runs: number }) {
  const [on, off] = await Promise.all([startLoggingIssuer(OPS_ON), startLoggingIssuer(OPS_OFF)]);
  try {
    const pools = [];
    for (const concurrency of options.concurrencies)
      pools.push({
        on: await createWallets(on.url, on.dataDir, concurrency),
        off: await createWallets(off.url, off.dataDir, concurrency),
      });
    const widest = pools.at(-1)!;
    await runLoad(widest.on, Math.max(20, widest.on.wallets.length));
    await runLoad(widest.off, Math.max(20, widest.off.wallets.length));
    const figures = pools.map(() => ({ on: [] as number[], off: [] as number[] }));
    const cpu = pools.map(() => ({ on: [] as number[], off: [] as number[] }));
    const servers = { on, off };
    for (let round = 0; round < options.runs; round++)
      for (const [i, pool] of pools.entries()) {
        const flows = Math.max(options.flows, 2 * pool.on.wallets.length);
        // Which setup goes first alternates, so neither always meets a warmer machine.
        const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
        for (const setup of order) {
          const { result, cpuMs } = await cpuPerUnit(
            { server: servers[setup].child.pid! },
            (load: LoadResult) => load.flows,
            () => runLoad(pool[setup], flows),
          );
          figures[i]![setup].push(result.flowsPerSecond);
          cpu[i]![setup].push(cpuMs.server);
        }
      }
    const rows = figures.map((runs, i) => {
      const onFigure = summary(runs.on);
      const offFigure = summary(runs.off);
      return {
        concurrency: options.concurrencies[i]!,
        on: onFigure,
        off: offFigure,
        ratio: onFigure.median / offFigure.median,
        serverCpuMsPerFlow: { on: median(cpu[i]!.on), off: median(cpu[i]!.off) },
      };
    });
    return { rows, logBytes: { on: statSync(on.logFile).size, off: statSync(off.logFile).size } };
  } finally {
    await Promise.all([stopIssuer(on), stopIssuer(off)]);
  }
}
