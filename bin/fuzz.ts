#!/usr/bin/env node
/**
 * `npm run fuzz [-- --count 100000 --seed N]`: the fast-check fuzzer against a fresh issuer
 * on loopback (real HTTP, SQLite). Prints its seed so a failure can be replayed. Arguments are
 * parsed strictly: an unknown option (there is no `--url` yet: it fuzzes its own issuer) or a
 * value that is not a whole number is one readable line and exit code 2.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteEventStore } from '../adapters/stores/sqlite/event-store.js';
import { audit, fold } from '../engine/index.js';
import { FUZZ_ADMIN_TOKEN, buildCorpus, runFuzz, startIssuer } from '../testing/index.js';

function options(): { count: number; seed: number } {
  try {
    const { values } = parseArgs({ options: { count: { type: 'string' }, seed: { type: 'string' } }, strict: true });
    const whole = (name: string, value: string | undefined, fallback: number) => {
      if (value === undefined) return fallback;
      if (!/^\d{1,15}$/.test(value)) throw new Error(`--${name} must be a whole number, not ${JSON.stringify(value)}`);
      return Number(value);
    };
    return { count: whole('count', values.count, 100_000), seed: whole('seed', values.seed, Date.now()) };
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}
const { count, seed } = options();
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
