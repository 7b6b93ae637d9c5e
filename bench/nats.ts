/**
 * The NATS figures beside the SQLite ones, in one run: durable append latency (p50/p99)
 * of the JetStream and SQLite stores, and full-flow throughput over HTTP with the issuer
 * on SQLite (one process) and on JetStream behind a NATS gateway (one and two engine
 * processes).
 *
 *   npm run bench:nats [-- --flows 100 --appends 1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JetStreamEventStore } from '../adapters/store/jetstream.js';
import { SqliteEventStore } from '../adapters/store/sqlite.js';
import type { EventStore } from '../engine/index.js';
import { freePort, startCluster } from '../test/support/cluster.js';
import { Flow, T0 } from '../test/support/flow.js';
import { startNatsServer } from '../test/support/nats-server.js';
import { runCommands } from '../test/support/run.js';
import { startServerProcess, throughput } from './flow.js';

const CONCURRENCY = 8;

/** Latency of single-event durable appends, one session after another (7 events each). */
async function appendLatency(store: EventStore, appends: number, tag: string) {
  const latencies: number[] = [];
  for (let session = 0; latencies.length < appends; session++) {
    const events = runCommands(new Flow(`bench-${tag}-${session}`).happyPath(T0)).events;
    for (const [version, event] of events.entries()) {
      const start = performance.now();
      await store.append(event.sessionId, version, [event], { deadline: null });
      latencies.push(performance.now() - start);
    }
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { appends: latencies.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export async function runNatsBench(options: { flows: number; appends: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'pdi-bench-nats-'));
  const nats = await startNatsServer();
  const nc = await nats.connect();
  try {
    const sqliteStore = new SqliteEventStore(join(dir, 'events.sqlite'));
    const sqliteAppend = await appendLatency(sqliteStore, options.appends, 'sqlite');
    await sqliteStore.close();
    const jetstreamAppend = await appendLatency(await JetStreamEventStore.open(nc), options.appends, 'jetstream');

    const port = await freePort();
    const sqliteDir = join(dir, 'sqlite-issuer');
    const child = await startServerProcess(sqliteDir, port);
    const sqliteFlow = await throughput(`http://127.0.0.1:${port}`, sqliteDir, CONCURRENCY, options.flows);
    child.kill('SIGTERM');

    const rows = [{ setup: 'SQLite, 1 process, HTTP', ...sqliteFlow }];
    for (const instances of [1, 2]) {
      const cluster = await startCluster(instances);
      try {
        rows.push({ setup: `JetStream, ${instances} process(es), HTTP gateway over NATS`, ...(await throughput(cluster.publicUrl, cluster.dataDir, CONCURRENCY, options.flows)) });
      } finally {
        await cluster.stop();
      }
    }
    return { appendLatency: { sqlite: sqliteAppend, jetstream: jetstreamAppend }, flows: rows };
  } finally {
    await nc.close();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
  const result = await runNatsBench({ flows: arg('--flows', 100), appends: arg('--appends', 1000) });
  const { sqlite, jetstream } = result.appendLatency;
  console.log(`durable append, ms      p50     p99   (${sqlite.appends} single-event appends each)`);
  console.log(`  SQLite            ${sqlite.p50Ms.toFixed(3).padStart(7)} ${sqlite.p99Ms.toFixed(3).padStart(7)}`);
  console.log(`  JetStream         ${jetstream.p50Ms.toFixed(3).padStart(7)} ${jetstream.p99Ms.toFixed(3).padStart(7)}`);
  console.log(`full flow, ${CONCURRENCY} wallets            flows/s  p50 ms  p99 ms`);
  for (const row of result.flows)
    console.log(`  ${row.setup.padEnd(46)} ${row.flowsPerSecond.toFixed(1).padStart(6)} ${row.p50Ms.toFixed(0).padStart(7)} ${row.p99Ms.toFixed(0).padStart(7)}`);
  console.log(`JSON ${JSON.stringify(result)}`);
}
