/**
 * The NATS figures beside the SQLite ones, in one run: durable append latency (p50/p99,
 * one append at a time) and throughput (16 sessions appending at once) of the JetStream
 * and SQLite stores; full flows with the issuer on SQLite over HTTP, on JetStream over
 * HTTP, and on JetStream behind the HTTP gateway over the NATS transport with one and two
 * engine processes, each with 1, 8, 32 and 128 wallets: flows/s, p50/p99 per flow and per
 * endpoint, the median of `--runs` runs with its range.
 * With `--cluster` (issue 16 §2): R1 on one nats-server against R3 on a three-node cluster
 * (`startNatsCluster`): the appends, and full flows over the NATS transport with two engine
 * processes, with 1, 8 and 32 wallets.
 *
 *   npm run bench:nats [-- --flows 200 --appends 1000 --runs 3] [-- --cluster]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { JetStreamEventStore } from '../adapters/stores/jetstream/event-store.js';
import { UNLIMITED } from '../adapters/stores/jetstream/stream-limits.js';
import { SqliteEventStore } from '../adapters/stores/sqlite/event-store.js';
import type { EventStore } from '../engine/index.js';
import {
  freePort,
  startCluster,
  startNatsCluster,
  spawnIssuer,
  startNatsServer,
  type RunningNats,
} from '../testing/index.js';
import { createWallets, runLoad, type LoadResult } from './load-generator.js';
import { appendInterleaved, happyPaths, INTERLEAVED } from './session-appends.js';
import { numberArg, percentile, sortedCopy } from './stats.js';
import { summariseRuns } from './flow.js';
import { RecordMac } from '../adapters/keys/record-mac.js';

const mac = new RecordMac(randomBytes(32));

/** Every bench wallet keeps its DPoP key from flow to flow on loopback: the session rate limits (issue 10 §4) are raised beyond reach. */
const UNLIMITED_RATES = { rateLimits: { sessionsPerMinutePerAddress: 1e9, sessionsPerMinutePerKey: 1e9 } };

/** Single-event durable appends, one at a time (latency), then `INTERLEAVED` sessions at once (throughput). */
async function appendFigures(store: EventStore, appends: number, tag: string) {
  const latencies: number[] = [];
  for (const events of happyPaths(Math.ceil(appends / 7), `${tag}-seq`)) {
    for (const [version, event] of events.entries()) {
      const start = performance.now();
      await store.append(event.meta.sessionId, version, [event], { deadline: null });
      latencies.push(performance.now() - start);
    }
  }
  const interleavedEventsPerSecond = await appendInterleaved(store, happyPaths(Math.ceil(appends / 7), `${tag}-par`));
  const sorted = sortedCopy(latencies);
  return {
    appends: latencies.length,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    interleavedEventsPerSecond,
  };
}

/** One setup: for each number of wallets, `runs` load runs of `flows` flows against `url`. */
async function flowRuns(
  setup: string,
  url: string,
  dataDir: string,
  options: { flows: number; runs: number; concurrencies: number[] },
) {
  const rows = [];
  for (const concurrency of options.concurrencies) {
    const pool = await createWallets(url, dataDir, concurrency);
    await runLoad(pool, concurrency);
    const results: LoadResult[] = [];
    for (let run = 0; run < options.runs; run++)
      results.push(await runLoad(pool, Math.max(options.flows, 2 * concurrency)));
    rows.push({ setup, ...summariseRuns(results) });
  }
  return rows;
}

async function stopped(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

export async function runNatsBench(options: { flows: number; appends: number; runs: number; concurrencies: number[] }) {
  const dir = mkdtempSync(join(tmpdir(), 'pdi-bench-nats-'));
  const nats = await startNatsServer();
  const nc = await nats.connect();
  try {
    const sqliteStore = new SqliteEventStore(join(dir, 'events.sqlite'));
    const sqlite = await appendFigures(sqliteStore, options.appends, 'sqlite');
    await sqliteStore.close();
    const jetstream = await appendFigures(await JetStreamEventStore.open(nc, mac), options.appends, 'jetstream');

    const rows = [];
    // Issue 16 §3: the durable domain-event relay's cost is the difference of the two JetStream rows.
    const setups = [
      { name: 'SQLite store, HTTP, 1 engine process', tag: 'sqlite', config: UNLIMITED_RATES },
      { name: 'JetStream store, HTTP, 1 engine process', tag: 'jetstream', config: UNLIMITED_RATES },
      {
        name: 'JetStream store, HTTP, 1 engine, no relay',
        tag: 'jetstream-no-relay',
        config: { ...UNLIMITED_RATES, nats: { domainEvents: { relay: false } } },
      },
    ];
    for (const setup of setups) {
      const port = await freePort();
      // The JetStream engines share one key ring, as instances on one stream must (its records are MAC'd under it).
      const dataDir = join(dir, setup.tag === 'sqlite' ? 'sqlite-issuer' : 'jetstream-issuer');
      const url = `http://127.0.0.1:${port}`;
      const configFile = join(dir, `${setup.tag}-config.json`);
      writeFileSync(configFile, JSON.stringify(setup.config), { mode: 0o600 });
      const child = await spawnIssuer({
        PORT: String(port),
        PUBLIC_URL: url,
        DATA_DIR: dataDir,
        CONFIG_FILE: configFile,
        ...(setup.tag !== 'sqlite' && nats.env('engine')),
      });
      try {
        rows.push(...(await flowRuns(setup.name, url, dataDir, options)));
      } finally {
        await stopped(child);
      }
    }
    for (const instances of [1, 2]) {
      const cluster = await startCluster(instances, 10_000, UNLIMITED_RATES);
      try {
        const setup = `JetStream store, NATS transport (gateway), ${instances} engine process${instances > 1 ? 'es' : ''}`;
        rows.push(...(await flowRuns(setup, cluster.publicUrl, cluster.dataDir, options)));
      } finally {
        await cluster.stop();
      }
    }
    return { appends: { sqlite, jetstream }, flows: rows };
  } finally {
    await nc.close();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Issue 16 §2: JetStream appends and NATS-transport flows (two engines) on R1 (one nats-server) and on R3 (three). */
export async function runClusterBench(options: {
  flows: number;
  appends: number;
  runs: number;
  concurrencies: number[];
}) {
  const setups = [
    { name: 'R1, one nats-server', start: startNatsServer as () => Promise<RunningNats>, replicas: 1 },
    { name: 'R3, three nats-servers', start: startNatsCluster as () => Promise<RunningNats>, replicas: 3 },
  ];
  const appends: Record<string, Awaited<ReturnType<typeof appendFigures>>> = {};
  const flows = [];
  for (const setup of setups) {
    const nats = await setup.start();
    const nc = await nats.connect();
    try {
      const limits = { ...UNLIMITED, replicas: setup.replicas };
      const store = await JetStreamEventStore.open(nc, mac, undefined, undefined, {
        events: limits,
        deadlines: limits,
      });
      // The store holds the scheduler lease and watches the deadlines, as the leading engine does.
      await store.due(0, 1);
      appends[setup.name] = await appendFigures(store, options.appends, `r${setup.replicas}`);
      await store.close();
    } finally {
      await nc.close();
      await nats.stop();
    }
    const cluster = await startCluster(2, 10_000, UNLIMITED_RATES, setup.start);
    try {
      const name = `JetStream ${setup.name}, NATS transport, 2 engine processes`;
      flows.push(...(await flowRuns(name, cluster.publicUrl, cluster.dataDir, options)));
    } finally {
      await cluster.stop();
    }
  }
  return { appends, flows };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runs = numberArg('--runs', 3);
  const options = { flows: numberArg('--flows', 200), appends: numberArg('--appends', 1000), runs };
  const result = process.argv.includes('--cluster')
    ? await runClusterBench({ ...options, concurrencies: [1, 8, 32] })
    : await runNatsBench({ ...options, concurrencies: [1, 8, 32, 128] });
  console.log(`durable appends                  p50 ms  p99 ms  events/s with ${INTERLEAVED} sessions at once`);
  for (const [name, figures] of Object.entries(result.appends))
    console.log(
      `  ${name.padEnd(28)} ${figures.p50Ms.toFixed(3).padStart(7)} ${figures.p99Ms.toFixed(3).padStart(7)}  ${figures.interleavedEventsPerSecond.toFixed(0).padStart(8)}`,
    );
  console.log(
    `full flow, median of ${runs} runs                                         wallets  flows/s (min–max)     p50 ms  p99 ms`,
  );
  for (const row of result.flows) {
    const { median, min, max } = row.flowsPerSecond;
    console.log(
      `  ${row.setup.padEnd(62)} ${String(row.concurrency).padStart(7)}  ${`${median.toFixed(1)} (${min.toFixed(1)}–${max.toFixed(1)})`.padEnd(20)} ${row.p50Ms.toFixed(0).padStart(6)} ${row.p99Ms.toFixed(0).padStart(7)}`,
    );
  }
  const names = Object.keys(result.flows[0]!.endpoints);
  console.log(`per endpoint p50 / p99 ms: ${names.join(', ')}`);
  for (const row of result.flows)
    console.log(
      `  ${row.setup.padEnd(62)} ${String(row.concurrency).padStart(7)}  ${names.map((name) => `${row.endpoints[name]!.p50Ms.toFixed(1)}/${row.endpoints[name]!.p99Ms.toFixed(1)}`).join('  ')}`,
    );
  console.log(`JSON ${JSON.stringify(result)}`);
}
