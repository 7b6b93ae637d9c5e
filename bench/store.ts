/**
 * The event store at scale, in one run: fill one file with `events` real
 * happy-path events (decided by the engine, 7 per session, random session ids as the
 * issuer makes them) in large group-committed batches, and report the fill rate; the time
 * to load one random session from it (read + fold), p50/p99/max; and the time from
 * spawning the issuer (`bin/start.ts`) on a data directory holding that file to its
 * first listening line, metadata answer, authorization challenge and full flow, beside
 * the same restart on an empty data directory (median of `restarts` rounds each).
 *
 * The fill and the loads again on a JetStream store (`--jetstream-events`, 0 to skip).
 *
 *   npm run bench:store [-- --events 1000000 --samples 10000 --restarts 3 --jetstream-events 1000000]
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomIds } from '../adapters/ids/random-ids.js';
import { JetStreamEventStore } from '../adapters/stores/jetstream/event-store.js';
import { SqliteEventStore } from '../adapters/stores/sqlite/event-store.js';
import { fold, nextDeadline, type EventStore } from '../engine/index.js';
import { freePort, Flow, T0, startNatsServer, runCommands } from '../testing/index.js';
import { startServerProcess } from './flow.js';
import { BENCH_FLOW, createWallets } from './load-generator.js';
import { median, numberArg, percentile } from './stats.js';
import { RecordMac } from '../adapters/keys/record-mac.js';

const mac = new RecordMac(randomBytes(32));

/** Sessions appended in one event-loop turn, so the group commit writes them in one transaction. */
const SESSIONS_PER_COMMIT = 2000;
const EVENTS_PER_SESSION = 7;
/** The issuer's event log in its data directory (protocol/state-backends.ts). */
const EVENT_LOG = 'events.sqlite';

/**
 * `sessions` happy paths decided by the engine, appended SESSIONS_PER_COMMIT at a time:
 * the session ids, and events per second overall (building and deciding the commands
 * too) and of the durable appends alone.
 */
async function fill(store: EventStore, sessions: number) {
  const ids: string[] = [];
  let decideMs = 0;
  let appendMs = 0;
  for (let first = 0; first < sessions; first += SESSIONS_PER_COMMIT) {
    const decided = performance.now();
    const batch = Array.from({ length: Math.min(SESSIONS_PER_COMMIT, sessions - first) }, () => {
      const commands = new Flow(randomIds.sessionId()).happyPath(T0);
      const { events, state } = runCommands(commands);
      if (events.length !== commands.length) throw new Error('bench flow refused');
      return { sessionId: commands[0]!.sessionId, events, deadline: nextDeadline(state)?.at ?? null };
    });
    const appended = performance.now();
    await Promise.all(batch.map(({ sessionId, events, deadline }) => store.append(sessionId, 0, events, { deadline })));
    appendMs += performance.now() - appended;
    decideMs += appended - decided;
    for (const { sessionId } of batch) ids.push(sessionId);
  }
  const events = sessions * EVENTS_PER_SESSION;
  return {
    ids,
    eventsPerSecond: events / ((decideMs + appendMs) / 1000),
    appendEventsPerSecond: events / (appendMs / 1000),
  };
}

/** Microseconds to read and fold one random stored session, sorted (give it a freshly opened store). */
async function loadTimes(store: EventStore, ids: string[], samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const sessionId = ids[Math.floor(Math.random() * ids.length)]!;
    const start = performance.now();
    const state = fold(await store.read(sessionId));
    times.push((performance.now() - start) * 1000);
    if (state.version !== EVENTS_PER_SESSION)
      throw new Error(`session ${sessionId} folded to version ${state.version}`);
  }
  return times.sort((a, b) => a - b);
}

/** Milliseconds from spawning the issuer on `dataDir` to its first answers; the wallet is ready before the spawn. */
async function restart(dataDir: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const [wallet] = (await createWallets(url, dataDir, 1)).wallets;
  const start = performance.now();
  const child = await startServerProcess(dataDir, port);
  try {
    const listeningMs = performance.now() - start;
    const metadata = await fetch(`${url}/.well-known/openid-credential-issuer`);
    if (!metadata.ok) throw new Error(`metadata: HTTP ${metadata.status}`);
    const metadataMs = performance.now() - start;
    let challengeMs = 0;
    await wallet!.runFlow({ ...BENCH_FLOW, onStep: () => (challengeMs ||= performance.now() - start) });
    return { listeningMs, metadataMs, challengeMs, flowMs: performance.now() - start };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

/** Median restart figures over `rounds`, the two data directories taking turns; each started once before (key ring, state file). */
async function restarts(dirs: { empty: string; full: string }, rounds: number) {
  for (const dir of Object.values(dirs)) await restart(dir);
  const runs: Record<'empty' | 'full', Array<Awaited<ReturnType<typeof restart>>>> = { empty: [], full: [] };
  for (let round = 0; round < rounds; round++) {
    runs.empty.push(await restart(dirs.empty));
    runs.full.push(await restart(dirs.full));
  }
  const medians = (list: typeof runs.empty) => ({
    listeningMs: median(list.map((run) => run.listeningMs)),
    metadataMs: median(list.map((run) => run.metadataMs)),
    challengeMs: median(list.map((run) => run.challengeMs)),
    flowMs: median(list.map((run) => run.flowMs)),
  });
  return { empty: medians(runs.empty), full: medians(runs.full) };
}

/** The same fill and loads on a JetStream store (a fresh nats-server -js on loopback); no restart figure. */
async function jetstreamFigures(events: number, samples: number) {
  const nats = await startNatsServer();
  const connections = [await nats.connect(), await nats.connect()];
  try {
    const filled = await fill(
      await JetStreamEventStore.open(connections[0]!, mac),
      Math.ceil(events / EVENTS_PER_SESSION),
    );
    const loads = await loadTimes(await JetStreamEventStore.open(connections[1]!, mac), filled.ids, samples);
    return {
      jetstreamEventsStored: filled.ids.length * EVENTS_PER_SESSION,
      jetstreamFillAppendEventsPerSecond: filled.appendEventsPerSecond,
      jetstreamLoadSessionP50Micros: percentile(loads, 0.5),
      jetstreamLoadSessionP99Micros: percentile(loads, 0.99),
    };
  } finally {
    for (const nc of connections) await nc.close();
    await nats.stop();
  }
}

export async function runStoreBench(options: {
  events: number;
  samples: number;
  restarts: number;
  jetstreamEvents: number;
}): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'pdi-bench-store-'));
  try {
    const dirs = { empty: join(dir, 'empty'), full: join(dir, 'full') };
    mkdirSync(dirs.full);
    const path = join(dirs.full, EVENT_LOG);
    const sessions = Math.ceil(options.events / EVENTS_PER_SESSION);
    const filling = new SqliteEventStore(path);
    const filled = await fill(filling, sessions);
    await filling.close();
    const reopened = new SqliteEventStore(path);
    const loads = await loadTimes(reopened, filled.ids, options.samples);
    await reopened.close();
    const restarted = await restarts(dirs, options.restarts);
    return {
      eventsStored: sessions * EVENTS_PER_SESSION,
      sessionsStored: sessions,
      storeFileMB: statSync(path).size / 2 ** 20,
      fillEventsPerSecond: filled.eventsPerSecond,
      fillAppendEventsPerSecond: filled.appendEventsPerSecond,
      fillSessionsPerCommit: Math.min(SESSIONS_PER_COMMIT, sessions),
      loadSessionP50Micros: percentile(loads, 0.5),
      loadSessionP99Micros: percentile(loads, 0.99),
      loadSessionMaxMicros: loads.at(-1)!,
      restartEmptyListeningMs: restarted.empty.listeningMs,
      restartEmptyMetadataMs: restarted.empty.metadataMs,
      restartEmptyFirstChallengeMs: restarted.empty.challengeMs,
      restartEmptyFirstFlowMs: restarted.empty.flowMs,
      restartFullListeningMs: restarted.full.listeningMs,
      restartFullMetadataMs: restarted.full.metadataMs,
      restartFullFirstChallengeMs: restarted.full.challengeMs,
      restartFullFirstFlowMs: restarted.full.flowMs,
      restartFirstFlowFullToEmpty: restarted.full.flowMs / restarted.empty.flowMs,
      ...(options.jetstreamEvents > 0 && (await jetstreamFigures(options.jetstreamEvents, options.samples))),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runStoreBench({
    events: numberArg('--events', 1_000_000),
    samples: numberArg('--samples', 10_000),
    restarts: numberArg('--restarts', 3),
    jetstreamEvents: numberArg('--jetstream-events', 1_000_000),
  });
  for (const [name, value] of Object.entries(figures))
    console.log(`${name.padEnd(42)} ${value.toFixed(value < 100 ? 2 : 0).padStart(12)}`);
  console.log(`JSON ${JSON.stringify(figures)}`);
}
