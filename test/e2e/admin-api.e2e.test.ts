import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../engine/index.js';
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
  const auditOf = (sessionId: string, token?: string) =>
    fetch(`${server.url}/admin/audit/${sessionId}`, {
      headers: { ...(token !== undefined && { Authorization: `Bearer ${token}` }) },
    });
  const offer = (token?: string) => admin('offers', token, { credential_configuration_ids: ['demo_membership'] });
  const sessionOf = (handle: string) => handle.split('.')[0]!;

  beforeAll(async () => {
    server = await startIssuer(
      { adminToken, rateLimits: { adminFailuresPerMinute: 3 } },
      {
        logger: {
          // The audit lines only, not the access log's.
          info: (_, fields) => fields?.audit === 'admin' && lines.push(fields as AuditLine),
          warn: () => {},
          error: () => {},
        },
      },
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

  describe("GET /admin/audit/<sessionId>: today's rules over the stored log (issue 11 §1)", () => {
    /** A copy of a stored log under a new session id (new event ids), with one event changed. */
    const copied = async (from: string, to: string, change: (event: SessionEvent) => SessionEvent) => {
      const events = (await server.internals.engine.store.read(from)).map((event, i) =>
        change({ ...event, meta: { ...event.meta, id: `${to}-event-${i}`, sessionId: to } }),
      );
      await server.internals.engine.store.append(to, 0, events, { deadline: null });
      return events;
    };

    it('a completed flow audits with no findings; the answer is no-store and the audit line names no personal data', async () => {
      server.clock.now += 60_000;
      lines.length = 0;
      const wallet = await server.wallet();
      const flow = await untilToken(wallet);
      const credential = await wallet.credential(flow.accessToken, {
        configurationId: 'demo_membership',
        cNonce: await wallet.nonce(),
      });
      expect(credential.status).toBe(200);
      const sessionId = sessionOf(flow.authSession);
      const stored = await server.internals.engine.store.read(sessionId);
      const answer = await auditOf(sessionId, adminToken);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      const body = await answer.json();
      expect(body).toEqual({ session_id: sessionId, version: stored.length, state: expect.any(String), findings: [] });
      expect(lines).toEqual([
        expect.objectContaining({ action: 'session_audited', endpoint: 'audit', sessionId, findings: '0' }),
      ]);
      for (const needle of [adminToken, DEMO_PERSON.given_name, DEMO_PERSON.family_name, wallet.clientId])
        expect(JSON.stringify([body, lines])).not.toContain(needle);
    });

    it("a log today's rules refuse (RFC 6749 §5.2: a code the session never issued) is answered with the finding: version, event type, error code, rule id", async () => {
      const wallet = await server.wallet();
      const flow = await untilToken(wallet);
      const sessionId = 'auditTamperedSession01';
      const log = await copied(sessionOf(flow.authSession), sessionId, (event) =>
        event.type === 'TokenIssued' ? { ...event, data: { ...event.data, codeHash: 'c'.repeat(43) } } : event,
      );
      const answer = await auditOf(sessionId, adminToken);
      expect(answer.status).toBe(200);
      const body = await answer.json();
      const version = log.findIndex((event) => event.type === 'TokenIssued') + 1;
      expect(body.version).toBe(log.length);
      expect(body.findings[0]).toEqual({
        version,
        type: 'TokenIssued',
        error: expect.any(String),
        rule: expect.any(String),
      });
      for (const finding of body.findings)
        expect(Object.keys(finding).sort()).toEqual(['error', 'rule', 'type', 'version']);
      expect(JSON.stringify(body)).not.toContain(wallet.clientId);
    });

    it('rule 3: a log the machine cannot explain (CorruptStream) is refused as for any request on that session (400, never 500)', async () => {
      const wallet = await server.wallet();
      const flow = await untilToken(wallet);
      const sessionId = 'auditCorruptSession001';
      // Every event after the first becomes the log's first event again: no state but the initial one has a transition for it.
      const log = await server.internals.engine.store.read(sessionOf(flow.authSession));
      await copied(sessionOf(flow.authSession), sessionId, (event) => ({ ...log[0]!, meta: event.meta }));
      const answer = await auditOf(sessionId, adminToken);
      expect([answer.status, (await answer.json()).error_description]).toEqual([
        400,
        'this session cannot be continued',
      ]);
    });

    it('rule 4: a stored record that is not a valid event (data that does not fit its type) is CorruptStream: 400, never 500', async () => {
      const wallet = await server.wallet();
      const flow = await untilToken(wallet);
      const sessionId = 'auditMalformedSession01';
      await copied(sessionOf(flow.authSession), sessionId, (event) =>
        event.type === 'TokenIssued'
          ? ({ ...event, data: { ...event.data, token: 'not an expiring hash' } } as unknown as SessionEvent)
          : event,
      );
      const answer = await auditOf(sessionId, adminToken);
      expect([answer.status, (await answer.json()).error_description]).toEqual([
        400,
        'this session cannot be continued',
      ]);
    });

    it('seed 002 §3.3: an unknown session answers 404 with error JSON, audited', async () => {
      lines.length = 0;
      const answer = await auditOf('AAAAAAAAAAAAAAAAAAAAAA', adminToken);
      expect([answer.status, (await answer.json()).error]).toEqual([404, 'invalid_request']);
      expect(lines.at(-1)).toMatchObject({ action: 'refused', endpoint: 'audit', reason: 'unknown_session' });
    });

    it('issue 10 §4: without or with a wrong token it is 401 and audited; failures are throttled like the other admin endpoints', async () => {
      server.clock.now += 60_000;
      lines.length = 0;
      const sessionId = 'AAAAAAAAAAAAAAAAAAAAAA';
      for (const token of [undefined, 'wrong-token-000000000000', `${adminToken}x`]) {
        const answer = await auditOf(sessionId, token);
        expect([answer.status, (await answer.json()).error]).toEqual([401, 'invalid_token']);
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      }
      expect(lines.map((line) => [line.endpoint, line.reason])).toEqual([
        ['audit', 'no_token'],
        ['audit', 'bad_token'],
        ['audit', 'bad_token'],
      ]);
      const throttled = await auditOf(sessionId, adminToken);
      expect([throttled.status, (await throttled.json()).error]).toEqual([429, 'invalid_request']);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      // The erasure endpoint shares the bucket.
      expect((await admin(`erase/${sessionId}`, adminToken)).status).toBe(429);
      server.clock.now += 60_000;
      expect((await auditOf(sessionId, adminToken)).status).toBe(404);
    });
  });
});
