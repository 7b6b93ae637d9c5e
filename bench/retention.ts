/**
 * Issue 10 §4, what an unauthenticated client leaves on disk: `sessions` first challenges
 * over HTTP (each opens a session that is then abandoned), against the in-process issuer on
 * SQLite with its clock moved by hand. Reported: bytes in use (SQLite pages holding data,
 * WAL included, both files) per abandoned session after the challenges, after expiry and
 * after retention; the expiry scheduler's drain rate over that backlog (one `expireDue`
 * run); and the retention job's rate.
 *
 *   npm run bench:retention [-- --sessions 20000]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { startIssuer } from '../testing/index.js';
import { numberArg } from './stats.js';

const WALLETS = 16;
const MINUTE = 60_000;

/** Bytes of the pages that hold data (all pages less the free list), as a reader sees the file with its WAL. */
function bytesInUse(dataDir: string): number {
  let total = 0;
  for (const name of ['events.sqlite', 'state.sqlite']) {
    const db = new Database(join(dataDir, name), { readonly: true });
    const [pages, free, size] = ['page_count', 'freelist_count', 'page_size'].map(
      (pragma) => db.pragma(pragma, { simple: true }) as number,
    );
    db.close();
    total += (pages! - free!) * size!;
  }
  return total;
}

export async function runRetentionBench({ sessions }: { sessions: number }) {
  const server = await startIssuer({
    retention: { endedSessionSeconds: 3600 },
    // The bench is one client opening many sessions: the per-address and per-key limits would stop it.
    rateLimits: { sessionsPerMinutePerAddress: 1e9, sessionsPerMinutePerKey: 1e9 },
  });
  try {
    const wallets = await Promise.all(Array.from({ length: WALLETS }, () => server.wallet()));
    const empty = bytesInUse(server.dataDir);
    let opened = 0;
    await Promise.all(
      wallets.map(async (wallet) => {
        while (opened < sessions) {
          opened += 1;
          const answer = await wallet.challenge({ scope: 'membership' });
          if (answer.status !== 400 || answer.body.error !== 'insufficient_authorization')
            throw new Error(`challenge answered ${answer.status}`);
        }
      }),
    );
    const afterChallenges = bytesInUse(server.dataDir);

    server.clock.now += 11 * MINUTE;
    let started = performance.now();
    const expired = await server.issuer.expireDue();
    const expirySeconds = (performance.now() - started) / 1000;
    const afterExpiry = bytesInUse(server.dataDir);

    server.clock.now += 61 * MINUTE;
    started = performance.now();
    const compacted = await server.issuer.retainEnded();
    const retentionSeconds = (performance.now() - started) / 1000;
    const afterRetention = bytesInUse(server.dataDir);
    return {
      sessions: opened,
      expired,
      compacted,
      bytesPerSessionAfterChallenge: (afterChallenges - empty) / opened,
      bytesPerSessionAfterExpiry: (afterExpiry - empty) / opened,
      bytesPerSessionAfterRetention: (afterRetention - empty) / opened,
      expiryDrainPerSecond: expired / expirySeconds,
      retentionPerSecond: compacted / retentionSeconds,
    };
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runRetentionBench({ sessions: numberArg('--sessions', 20_000) });
  for (const [name, value] of Object.entries(figures))
    console.log(`${name.padEnd(34)} ${value.toFixed(value < 100 ? 1 : 0).padStart(10)}`);
  console.log(`JSON ${JSON.stringify(figures)}`);
}
