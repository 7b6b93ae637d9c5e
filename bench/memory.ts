/**
 * Memory held by the engine's cache of folded sessions. In a fresh process of its own
 * (run with --expose-gc), an Engine on a real SQLite store drives sessions through the
 * whole happy path (7 commands each, 100 sessions at a time); RSS and heap used are
 * read after a forced GC before the first session, half-way and at the end. Once with
 * the default cache (10,000 sessions) holding every session, once with a bounded cache
 * driving many more sessions than it holds, to show that memory stays bounded.
 *
 *   npx tsx bench/memory.ts [--sessions 10000 --bounded-sessions 50000 --bounded-cache 1000]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isLeft } from 'fp-ts/lib/Either.js';
import { randomIds } from '../adapters/ids/random-ids.js';
import { SqliteEventStore } from '../adapters/stores/sqlite/event-store.js';
import { Engine } from '../engine/index.js';
import { engineConfig, Flow, T0 } from '../testing/index.js';
import { numberArg } from './stats.js';

/** The engine's cache size when none is given (engine/runtime.ts). */
const DEFAULT_CACHE_SIZE = 10_000;
const CONCURRENT_SESSIONS = 100;
const MB = 2 ** 20;

interface Setup {
  sessions: number;
  /** Omitted: the engine's default. */
  cacheSize?: number;
}

interface Usage {
  rssMB: number;
  heapUsedMB: number;
}

function usageAfterGc(): Usage {
  if (!globalThis.gc) throw new Error('run with --expose-gc');
  globalThis.gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMB: rss / MB, heapUsedMB: heapUsed / MB };
}

/** In the child: drive `setup.sessions` happy paths through one engine and read memory before, half-way and after. */
async function measure(setup: Setup) {
  const dir = mkdtempSync(join(tmpdir(), 'pdi-bench-memory-'));
  const store = new SqliteEventStore(join(dir, 'events.sqlite'));
  try {
    const engine = new Engine({
      store,
      config: engineConfig(),
      ...(setup.cacheSize !== undefined && { cacheSize: setup.cacheSize }),
    });
    const before = usageAfterGc();
    let half = before;
    let lastSessionId = '';
    for (let first = 0; first < setup.sessions; first += CONCURRENT_SESSIONS) {
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENT_SESSIONS, setup.sessions - first) }, async () => {
          const flow = new Flow(randomIds.sessionId());
          for (const command of flow.happyPath(T0))
            if (isLeft(await engine.execute(command))) throw new Error(`bench command refused: ${command.type}`);
          lastSessionId = flow.sessionId;
        }),
      );
      if (first < setup.sessions / 2 && first + CONCURRENT_SESSIONS >= setup.sessions / 2) half = usageAfterGc();
    }
    const after = usageAfterGc();
    if ((await engine.load(lastSessionId)).version !== 7) throw new Error('the last session is not complete');
    return { before, half, after };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One measurement in a fresh child process with --expose-gc. */
function measureInChild(setup: Setup): Promise<Awaited<ReturnType<typeof measure>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(setup)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`memory child exited with ${code}`)),
    );
  });
}

/**
 * Per 10,000 cached sessions: the whole process's growth in the run whose cache holds
 * every session. Per row: memory before, half-way and after, and after / half-way
 * (about 1 once the cache is full and memory is bounded).
 */
export async function runMemoryBench(options: { sessions: number; boundedSessions: number; boundedCacheSize: number }) {
  const setups: Setup[] = [
    { sessions: options.sessions },
    { sessions: options.boundedSessions, cacheSize: options.boundedCacheSize },
  ];
  const rows = [];
  for (const setup of setups) {
    const { before, half, after } = await measureInChild(setup);
    const cacheSize = setup.cacheSize ?? DEFAULT_CACHE_SIZE;
    rows.push({
      sessions: setup.sessions,
      cacheSize,
      cached: Math.min(setup.sessions, cacheSize),
      rssBeforeMB: before.rssMB,
      rssHalfMB: half.rssMB,
      rssAfterMB: after.rssMB,
      rssAfterToHalf: after.rssMB / half.rssMB,
      heapBeforeMB: before.heapUsedMB,
      heapHalfMB: half.heapUsedMB,
      heapAfterMB: after.heapUsedMB,
      heapAfterToHalf: after.heapUsedMB / half.heapUsedMB,
    });
  }
  const all = rows[0]!;
  const perTenThousandCached = {
    rssMB: ((all.rssAfterMB - all.rssBeforeMB) / all.cached) * 10_000,
    heapUsedMB: ((all.heapAfterMB - all.heapBeforeMB) / all.cached) * 10_000,
  };
  return { perTenThousandCached, rows };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const child = process.argv.indexOf('--child');
  if (child > 0) console.log(JSON.stringify(await measure(JSON.parse(process.argv[child + 1]!) as Setup)));
  else {
    const result = await runMemoryBench({
      sessions: numberArg('--sessions', 10_000),
      boundedSessions: numberArg('--bounded-sessions', 50_000),
      boundedCacheSize: numberArg('--bounded-cache', 1000),
    });
    const mb = (value: number) => value.toFixed(1).padStart(6);
    console.log(
      `per 10,000 cached sessions (cache holding all ${result.rows[0]!.sessions}): RSS ${mb(result.perTenThousandCached.rssMB)} MB, heap used ${mb(result.perTenThousandCached.heapUsedMB)} MB`,
    );
    console.log(
      'sessions   cache  cached   RSS MB before /   half /  after  after/half   heap MB before /   half /  after  after/half',
    );
    for (const row of result.rows)
      console.log(
        `${String(row.sessions).padStart(8)} ${String(row.cacheSize).padStart(7)} ${String(row.cached).padStart(7)}          ${mb(row.rssBeforeMB)} / ${mb(row.rssHalfMB)} / ${mb(row.rssAfterMB)}  ${row.rssAfterToHalf.toFixed(2).padStart(10)}` +
          `           ${mb(row.heapBeforeMB)} / ${mb(row.heapHalfMB)} / ${mb(row.heapAfterMB)}  ${row.heapAfterToHalf.toFixed(2).padStart(10)}`,
      );
    console.log(`JSON ${JSON.stringify(result)}`);
  }
}
