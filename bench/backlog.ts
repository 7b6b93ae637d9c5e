/**
 * Abandoned sessions (hardening §4): `sessions` first challenges that never go on, over real
 * HTTP on SQLite; then the bytes in use per abandoned session, how fast the expiry scheduler
 * drains the whole backlog once their deadline passed, and the bytes per session left
 * after retention removed them (one audit row each).
 *
 *   npm run bench:backlog [-- --sessions 20000]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { startIssuer } from '../test/support/issuer-server.js';
import { numberArg } from './stats.js';

const CONCURRENCY = 32;

/** Bytes of the SQLite files' pages in use (free pages not counted), after a WAL checkpoint. */
function bytesInUse(dataDir: string): number {
  let bytes = 0;
  for (const name of ['events.sqlite', 'state.sqlite']) {
    const db = new Database(join(dataDir, name));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = Number(db.pragma('page_count', { simple: true })) - Number(db.pragma('freelist_count', { simple: true }));
    bytes += pages * Number(db.pragma('page_size', { simple: true }));
    db.close();
  }
  return bytes;
}

export async function runBacklogBench(options: { sessions: number }): Promise<Record<string, number>> {
  // One wallet opens every session from loopback: the session-creation rate limits are raised beyond what a run reaches.
  const server = await startIssuer({ rateLimits: { sessionsPerMinutePerAddress: 1e9, sessionsPerMinutePerKey: 1e9 } });
  try {
    const wallet = await server.wallet();
    const empty = bytesInUse(server.dataDir);
    const opened = performance.now();
    for (let started = 0; started < options.sessions; started += CONCURRENCY) {
      const batch = Math.min(CONCURRENCY, options.sessions - started);
      await Promise.all(Array.from({ length: batch }, async () => {
        const answer = await wallet.challenge({ scope: 'membership' });
        if (answer.body.error !== 'insufficient_authorization') throw new Error(`challenge: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
      }));
    }
    const openSeconds = (performance.now() - opened) / 1000;
    const abandoned = bytesInUse(server.dataDir);
    server.clock.now += (server.issuer.context.config.lifetimes.session + 1) * 1000;
    const draining = performance.now();
    const expired = await server.issuer.expireDue();
    const drainSeconds = (performance.now() - draining) / 1000;
    if (expired !== options.sessions) throw new Error(`expired ${expired} of ${options.sessions}`);
    server.clock.now += (server.issuer.context.config.retention.endedSessionsSeconds + 1) * 1000;
    const retiring = performance.now();
    const retired = await server.issuer.retireEnded();
    const retireSeconds = (performance.now() - retiring) / 1000;
    if (retired !== options.sessions) throw new Error(`retired ${retired} of ${options.sessions}`);
    const after = bytesInUse(server.dataDir);
    return {
      sessions: options.sessions,
      sessionsOpenedPerSecond: options.sessions / openSeconds,
      bytesPerAbandonedSession: (abandoned - empty) / options.sessions,
      expiryDrainSessionsPerSecond: options.sessions / drainSeconds,
      retentionSessionsPerSecond: options.sessions / retireSeconds,
      bytesPerSessionAfterRetention: (after - empty) / options.sessions,
    };
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runBacklogBench({ sessions: numberArg('--sessions', 20_000) });
  for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(36)} ${value.toFixed(1).padStart(12)}`);
  console.log(`JSON ${JSON.stringify(figures)}`);
}
