import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SqliteEventStore } from '../../adapters/stores/sqlite/event-store.js';
import { audit, fold } from '../../engine/index.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { buildCorpus } from '../../testing/fuzz-corpus.js';
import { FUZZ_ADMIN_TOKEN, runFuzz } from '../../testing/fuzzer.js';

let server: RunningIssuer;
beforeAll(async () => {
  server = await startIssuer({ adminToken: FUZZ_ADMIN_TOKEN, interactiveAuthorization: { iae: { enabled: true } } });
});
afterAll(() => server.stop());

/** House rule 3 under a fast-check fuzzer (the full 100,000-request run is `npm run fuzz`). */
it('no generated request (valid, mutated or random) gets a 5xx or an error without error JSON, and every session still folds and passes the current rules (audit)', async () => {
  const seed = Number(process.env.FUZZ_SEED ?? Date.now());
  const { corpus, wallets } = await buildCorpus(() => server.wallet(), 6);
  const result = await runFuzz({ baseUrl: server.url, corpus, wallets, count: 3000, seed });
  expect(result.failures.slice(0, 3), `fuzz seed ${seed}`).toEqual([]);
  const store = new SqliteEventStore(join(server.dataDir, 'events.sqlite'));
  for (const sessionId of corpus.sessionIds) {
    const events = await store.read(sessionId);
    expect(fold(events).version).toBeGreaterThan(0);
    expect(audit(events), `fuzz seed ${seed}, session ${sessionId}`).toEqual([]);
  }
  await store.close();
  expect((await fetch(`${server.url}/.well-known/openid-credential-issuer`)).status).toBe(200);
}, 120_000);
