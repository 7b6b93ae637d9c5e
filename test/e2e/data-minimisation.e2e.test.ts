import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../adapters/stores/sqlite/event-store.js';
import { fold } from '../../engine/index.js';
import { DEMO_PERSON } from '../../wallet/demo-pid-issuer.js';
import { untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

/** Seed 002 §3.3: the stores keep no presented claim, presentation or bearer secret in clear; erasure cannot be undone by the log. */
describe('data minimisation and erasure', () => {
  const adminToken = 'admin-token-for-erasure-01';
  let server: RunningIssuer;
  const secrets: string[] = [];
  let erasedSession = '';
  let erasedToken = '';
  let erasedWallet: Awaited<ReturnType<RunningIssuer['wallet']>>;
  beforeAll(async () => {
    server = await startIssuer({ adminToken });
    for (let i = 0; i < 4; i++) {
      const wallet = await server.wallet();
      const flow = await untilToken(wallet);
      secrets.push(flow.authSession, flow.pdis, flow.code, flow.accessToken, wallet.options.pid.split('~')[0]!);
      erasedSession = flow.authSession.split('.')[0]!;
      erasedToken = flow.accessToken;
      erasedWallet = wallet;
    }
  });
  afterAll(() => server.stop());

  it('§3.3: no SQLite file (or WAL) holds a presented claim value, the presented credential, or a raw bearer secret', () => {
    const files = readdirSync(server.dataDir).filter((name) => name.includes('.sqlite'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const needles = [
      ...Object.values(DEMO_PERSON).filter((v) => v !== 'DE'),
      ...secrets.map((s) => s.split('.').at(-1)!),
    ];
    for (const file of files) {
      const bytes = readFileSync(join(server.dataDir, file));
      for (const needle of needles) expect(bytes.includes(needle), `${needle.slice(0, 12)}… in ${file}`).toBe(false);
    }
  });

  it('§3.3: after erasure the sealed claims can never be read again, while the log still folds', async () => {
    const refusedWithoutToken = await fetch(`${server.url}/admin/erase/${erasedSession}`, { method: 'POST' });
    expect(refusedWithoutToken.status).toBe(401);
    const erased = await fetch(`${server.url}/admin/erase/${erasedSession}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(erased.status).toBe(200);
    const { sealer } = server.internals;
    const store = new SqliteEventStore(join(server.dataDir, 'events.sqlite'));
    const events = await store.read(erasedSession);
    await store.close();
    const state = fold(events);
    expect(await sealer.unseal(erasedSession, state.snapshot.context.presentation!.sealedClaims)).toBeUndefined();
    // The erased session has ended: its token is refused like any token of an ended session.
    const answer = await erasedWallet.credential(erasedToken, {
      configurationId: 'demo_membership',
      cNonce: await erasedWallet.nonce(),
    });
    expect([answer.status, answer.body.error]).toEqual([401, 'invalid_token']);
  });
});
