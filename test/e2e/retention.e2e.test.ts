import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

const MINUTE = 60_000;

/** Issue 10 §4 (bounded resources): ended sessions do not stay on disk for ever. */
describe('retention of ended sessions (issue 10 §4)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ retention: { endedSessionSeconds: 3600 } });
  });
  afterAll(() => server.stop());

  it('issue 10 §4: abandoned and completed sessions past the retention leave one audit row without personal data; their events and keys are gone', async () => {
    const wallet = await server.wallet();
    const abandoned = await Promise.all(
      [1, 2, 3].map(async () => String((await wallet.challenge({ scope: 'membership' })).body.auth_session)),
    );
    const flow = await untilToken(wallet);
    expect(
      (await wallet.credential(flow.accessToken, { configurationId: 'demo_membership', cNonce: await wallet.nonce() }))
        .status,
    ).toBe(200);
    const ended = [...abandoned, flow.authSession].map((handle) => handle.split('.')[0]!);

    server.clock.now += 11 * MINUTE;
    expect(await server.issuer.expireDue()).toBe(3);
    const live = String((await wallet.challenge({ scope: 'membership' })).body.auth_session).split('.')[0]!;
    expect(await server.issuer.retainEnded()).toBe(0);

    server.clock.now += 61 * MINUTE;
    expect(await server.issuer.retainEnded()).toBe(4);
    const { engine, sealer } = server.internals;
    for (const sessionId of ended) {
      expect(await engine.store.read(sessionId)).toEqual([]);
      expect(await sealer.unseal(sessionId, 'v1.a.b.c')).toBeUndefined();
    }
    expect((await engine.store.read(live)).length).toBe(1);
    const db = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT * FROM retained ORDER BY outcome').all();
    db.close();
    expect(rows).toHaveLength(4);
    expect(Object.keys(rows[0] as object).sort()).toEqual(['ended_at', 'events', 'outcome', 'started_at', 'stream_id']);
    expect(rows.map((row) => (row as { outcome: string }).outcome)).toEqual([
      'CredentialIssued',
      'Expired',
      'Expired',
      'Expired',
    ]);
    // A handle of a compacted session is refused like any unknown one.
    const followUp = await wallet.challenge({ auth_session: abandoned[0]! });
    expect([followUp.status, followUp.body.error]).toEqual([400, 'invalid_session']);
  });
});
