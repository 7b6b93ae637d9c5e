import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLine } from '../../protocol/endpoints/admin-auth.js';
import { DEMO_PERSON } from '../../wallet/demo-pid-issuer.js';
import { untilPresentation, untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

describe('admin API: authentication, throttling, audit, erasure (issue 10 §3, §4; seed 002 §3.3)', () => {
  const adminToken = 'admin-token-for-admin-tests-01';
  const lines: AuditLine[] = [];
  let server: RunningIssuer;
  const admin = (path: string, token?: string, body?: unknown) =>
    fetch(`${server.url}/admin/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token !== undefined && { Authorization: `Bearer ${token}` }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const offer = (token?: string) => admin('offers', token, { credential_configuration_ids: ['demo_membership'] });
  const sessionOf = (handle: string) => handle.split('.')[0]!;

  beforeAll(async () => {
    server = await startIssuer(
      { adminToken, rateLimits: { adminFailuresPerMinute: 3 } },
      { logger: { info: (_, fields) => lines.push(fields as AuditLine), warn: () => {}, error: () => {} } },
    );
  });
  afterAll(() => server.stop());

  it('issue 10 §4, RFC 6750 §3.1: wrong admin tokens (prefix, longer, same length) are refused 401 and audited without any token', async () => {
    lines.length = 0;
    for (const wrong of [adminToken.slice(0, -1), `${adminToken}x`, `${adminToken.slice(0, -1)}X`]) {
      const answer = await offer(wrong);
      expect([answer.status, (await answer.json()).error]).toEqual([401, 'invalid_token']);
    }
    expect(lines.map((line) => [line.action, line.reason])).toEqual(Array(3).fill(['refused', 'bad_token']));
    expect(JSON.stringify(lines)).not.toContain(adminToken.slice(0, 20));
    server.clock.now += 60_000;
  });

  it('issue 10 §4: after the allowed failures, admin requests from that address answer 429 with Retry-After, even with the right token, until the window refills', async () => {
    for (let i = 0; i < 3; i++) expect((await offer('wrong-token-000000000000')).status).toBe(401);
    const throttled = await offer(adminToken);
    expect([throttled.status, (await throttled.json()).error]).toEqual([429, 'invalid_request']);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatchObject({ action: 'refused', reason: 'throttled' });
    server.clock.now += retryAfter * 1000;
    expect((await offer(adminToken)).status).toBe(201);
    server.clock.now += 60_000;
  });

  it('issue 10 §4: one JSON audit line per admin action (offer created, session erased), with neither token nor personal data', async () => {
    lines.length = 0;
    expect((await offer(adminToken)).status).toBe(201);
    const wallet = await server.wallet();
    const flow = await untilToken(wallet);
    expect((await admin(`erase/${sessionOf(flow.authSession)}`, adminToken)).status).toBe(200);
    expect(lines.map((line) => line.action)).toEqual(['offer_created', 'session_erased']);
    expect(lines[1]).toMatchObject({ audit: 'admin', endpoint: 'erase', sessionId: sessionOf(flow.authSession) });
    const text = JSON.stringify(lines);
    for (const needle of [adminToken, DEMO_PERSON.given_name, DEMO_PERSON.family_name, wallet.clientId])
      expect(text).not.toContain(needle);
  });

  it('seed 002 §3.3: erasing an unknown session answers 404 with error JSON', async () => {
    const answer = await admin('erase/AAAAAAAAAAAAAAAAAAAAAA', adminToken);
    expect([answer.status, (await answer.json()).error]).toEqual([404, 'invalid_request']);
  });

  it('seed 002 §3.3: erasing a live session ends it (Erased in the log); later requests get the protocol errors of an ended session', async () => {
    const wallet = await server.wallet();
    const started = await untilPresentation(wallet);
    const sessionId = sessionOf(started.authSession);
    expect((await admin(`erase/${sessionId}`, adminToken)).status).toBe(200);
    const events = await server.internals.engine.store.read(sessionId);
    expect(events.at(-1)?.type).toBe('Erased');
    const presented = await wallet.respond(started.request);
    expect([presented.status, presented.body.error]).toEqual([400, 'invalid_request']);
    const followUp = await wallet.challenge({ auth_session: started.authSession });
    expect([followUp.status, followUp.body.error]).toEqual([400, 'invalid_session']);
    // Erasing again destroys nothing more and appends nothing.
    expect((await admin(`erase/${sessionId}`, adminToken)).status).toBe(200);
    expect((await server.internals.engine.store.read(sessionId)).length).toBe(events.length);
  });
});
