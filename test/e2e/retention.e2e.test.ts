import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionOfHandle } from '../../adapters/ids.js';
import { untilPresentation, untilToken } from '../support/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../support/issuer-server.js';

describe('bounded resources: expiry and retention (hardening §4)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ retention: { endedSessionsSeconds: 3600 } });
  });
  afterAll(() => server.stop());

  it('hardening §4, seed 002 §3.3: ended sessions past retention leave only an audit row; their handles are refused cleanly', async () => {
    const wallet = await server.wallet();
    const done = await untilToken(wallet);
    const abandoned = await untilPresentation(await server.wallet());
    const ids = [sessionOfHandle(done.authSession)!, sessionOfHandle(abandoned.authSession)!];
    server.clock.now += 3600_000;
    expect(await server.issuer.expireDue()).toBe(2);
    expect(await server.issuer.retireEnded()).toBe(0);
    server.clock.now += 3601_000;
    expect(await server.issuer.retireEnded()).toBe(2);
    const db = new Database(join(server.dataDir, 'events.sqlite'), { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM events WHERE stream_id IN (?, ?)').get(...ids)).toEqual({ n: 0 });
    const audit = db.prepare('SELECT * FROM retired WHERE stream_id IN (?, ?) ORDER BY events').all(...ids);
    db.close();
    expect(audit.map((row) => Object.keys(row as object).sort())).toEqual([['ended_at', 'events', 'final_type', 'stream_id'], ['ended_at', 'events', 'final_type', 'stream_id']]);
    expect(audit.map((row) => (row as { final_type: string }).final_type)).toEqual(['Expired', 'Expired']);
    const state = new Database(join(server.dataDir, 'state.sqlite'), { readonly: true });
    expect(state.prepare('SELECT COUNT(*) AS n FROM session_keys WHERE session_id IN (?, ?)').get(...ids)).toEqual({ n: 0 });
    state.close();
    expect((await wallet.credential(done.accessToken, { configurationId: 'demo_membership', cNonce: await wallet.nonce() })).body.error).toBe('invalid_token');
    expect((await wallet.challenge({ auth_session: abandoned.authSession })).body.error).toBe('invalid_session');
  });
});
