#!/usr/bin/env node
/**
 * `npm run fuzz [-- --count 100000 --seed N]`: the fast-check fuzzer against a fresh issuer
 * on loopback (real HTTP, SQLite). Prints its seed so a failure can be replayed.
 */
import { join } from 'node:path';
import { SqliteEventStore } from '../adapters/stores/sqlite/event-store.js';
import { audit, fold } from '../engine/index.js';
import { FUZZ_ADMIN_TOKEN, buildCorpus, runFuzz, startIssuer } from '../testing/index.js';

const arg = (name: string, fallback: number) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const count = arg('--count', 100_000);
const seed = arg('--seed', Date.now());
console.log(`fuzzing ${count} requests, seed ${seed}`);
const server = await startIssuer({
  adminToken: FUZZ_ADMIN_TOKEN,
  interactiveAuthorization: { iae: { enabled: true } },
});
try {
  const started = performance.now();
  const { corpus, wallets } = await buildCorpus(() => server.wallet(), 8);
  const result = await runFuzz({ baseUrl: server.url, corpus, wallets, count, seed });
  const store = new SqliteEventStore(join(server.dataDir, 'events.sqlite'));
  let folded = 0;
  let audited = 0;
  for (const sessionId of corpus.sessionIds) {
    const events = await store.read(sessionId);
    folded += fold(events).version > 0 ? 1 : 0;
    audited += audit(events).length === 0 ? 1 : 0;
  }
  await store.close();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${result.sent} requests in ${seconds.toFixed(1)} s (${(result.sent / seconds).toFixed(0)}/s): ${result.failures.length} broke a rule; ${folded}/${corpus.sessionIds.length} session logs fold, ${audited} pass today's rules`,
  );
  for (const failure of result.failures.slice(0, 5)) console.log(JSON.stringify(failure).slice(0, 400));
  process.exitCode = result.failures.length === 0 && folded === corpus.sessionIds.length && audited === folded ? 0 : 1;
} finally {
  await server.stop();
}
