import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_FLOW } from '../../bench/load-generator.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { DEMO_PERSON } from '../../wallet/demo-pid-issuer.js';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';
import { capturedLogs, recordingFetch } from './captured-logs.js';

const adminToken = 'operations-admin-token-0123456789';
/** Values that are no secret: the issuer's own URLs, type names, and protocol words (error codes, descriptions). */
const isPublic = (value: string, url: string) =>
  value.startsWith(url) || value.startsWith('urn:') || /^[a-z_ ,;:'()-]+$/i.test(value);

describe('logs name no secret (issue 12 §2: redaction)', () => {
  const logs = capturedLogs();
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ adminToken }, { logger: logs.logger });
  });
  afterAll(() => server.stop());

  it('issue 12 §2: whole flows and refusals over HTTP leave no handle, token, code, c_nonce, claim, credential, DPoP proof or admin token in any log line', async () => {
    const recorder = recordingFetch();
    const wallets = await Promise.all([server.wallet(), server.wallet()]);
    const recording = await Promise.all(
      wallets.map((wallet) => ReferenceWallet.create({ ...wallet.options, fetch: recorder.fetch })),
    );
    const credentials = await Promise.all(recording.map((wallet) => wallet.runFlow(BENCH_FLOW)));
    for (const credential of credentials) recorder.secrets.add(credential);
    // Refusals: a replayed authorization code (the grant is revoked), a forged DPoP proof, a wrong admin token.
    const wallet = recording[0]!;
    const first = await wallet.challenge({ scope: 'membership' });
    const request = await wallet.requestObject(String(first.body.presentation));
    const presented = await wallet.respond(request);
    const second = await wallet.challenge({
      auth_session: String(first.body.auth_session),
      presentation_during_issuance_session: String(presented.body.presentation_during_issuance_session),
    });
    const code = String(second.body.authorization_code);
    expect((await wallet.token(code)).status).toBe(200);
    expect((await wallet.token(code)).status).toBe(400);
    const forged = await recorder.fetch(`${server.url}/credential`, {
      method: 'POST',
      headers: { Authorization: `DPoP ${first.body.auth_session}`, DPoP: 'eyJhbGciOiJFUzI1NiJ9.e30.c2lnbmF0dXJl' },
      body: '{}',
    });
    expect(forged.status).toBe(401);
    const admin = await recorder.fetch(`${server.url}/admin/offers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminToken.slice(0, -1)}x`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(admin.status).toBe(401);
    const claims = Object.values(DEMO_PERSON).filter((claim) => claim.length >= 5);
    const secrets = [...[...recorder.secrets].filter((value) => !isPublic(value, server.url)), adminToken, ...claims];
    expect(secrets.length).toBeGreaterThan(40);
    expect(logs.text.length).toBeGreaterThan(20);
    expect(logs.text.join('')).toContain('/verifier/response/:requestId');
    const leaked = secrets.filter((secret) => logs.text.some((line) => line.includes(secret)));
    expect(leaked).toEqual([]);
    // Every line is one JSON object with a level and a message.
    for (const line of logs.lines()) expect(line).toMatchObject({ level: expect.any(String), msg: expect.any(String) });
  });

  it('issue 12 §2: a sensitive field passed to the logger by mistake is written as [redacted], at the top level and one level down', () => {
    const mistaken = capturedLogs();
    mistaken.logger.warn('oops', { access_token: 'secret-token-value', request: { authorization: 'DPoP x' } });
    mistaken.logger.error('oops', { nested: { c_nonce: 'secret-nonce-value' }, claims: { given_name: 'Erika' } });
    expect(mistaken.text.join('')).not.toMatch(/secret-token-value|DPoP x|secret-nonce-value|Erika/);
    expect(mistaken.lines()[0]).toMatchObject({ level: 'warn', access_token: '[redacted]', request: '[redacted]' });
    expect(mistaken.lines()[1]).toMatchObject({ level: 'error', nested: { c_nonce: '[redacted]' } });
  });
});
