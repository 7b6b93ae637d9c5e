import { digest } from '@sd-jwt/crypto-nodejs';
import { decodeSdJwt } from '@sd-jwt/decode';
import { type JWK, jwtVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusListClient } from '../../adapters/status/status-list-client.js';
import { completedFlow, untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { generateWalletKey } from '../../wallet/keys.js';

describe('I-30: every credential issued here carries a status entry, served in our status lists and revocable', () => {
  const adminToken = 'admin-token-for-status-tests-1';
  let server: RunningIssuer;
  let client: StatusListClient;
  const admin = (body: unknown, token = adminToken) =>
    fetch(`${server.url}/admin/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const statusOf = async (credential: string) => {
    const { payload } = (await decodeSdJwt(credential, digest)).jwt;
    return (payload as { status: { status_list: { uri: string; idx: number } } }).status.status_list;
  };

  beforeAll(async () => {
    server = await startIssuer({
      adminToken,
      policy: { batchSize: 3 },
      statusList: { listSize: 1024, ttlSeconds: 60 },
    });
    const jwks = (await (await fetch(`${server.url}/.well-known/jwt-vc-issuer`)).json()) as { jwks: { keys: JWK[] } };
    // The relying party's view: our own client of Token Status Lists, verifying with the published keys.
    client = new StatusListClient({
      now: () => server.clock.now,
      verify: async (jwt) => {
        const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks.jwks), {
          currentDate: new Date(server.clock.now),
        });
        return { header: protectedHeader, payload };
      },
    });
  });
  afterAll(() => server.stop());

  it('I-30, status list §5.1: the credential names an entry of our list; the served token is signed, typed, with ttl, and reads VALID', async () => {
    const wallet = await server.wallet();
    const credential = await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' });
    const entry = await statusOf(credential);
    expect(entry.uri).toBe(`${server.url}/status/0`);
    const served = await fetch(entry.uri);
    expect(served.headers.get('content-type')).toBe('application/statuslist+jwt');
    expect(served.headers.get('cache-control')).toBe('public, max-age=30');
    const [header, payload] = (await served.text())
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ typ: 'statuslist+jwt', alg: 'ES256' });
    expect(payload).toMatchObject({ sub: entry.uri, ttl: 60, status_list: { bits: 2 } });
    expect(await client.statusOf(entry)).toBe(0);
  });

  it('I-30: the admin revokes a session; our list reports its credential INVALID within ttl/2, and revoked stays revoked', async () => {
    const wallet = await server.wallet();
    expect(await client.statusOf({ uri: `${server.url}/status/0`, idx: 0 })).toBe(0);
    const { sessionId, credential } = await completedFlow(wallet);
    const entry = await statusOf(credential);
    const revoked = await admin({ session_id: sessionId, status: 'revoked' });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ status: 'revoked', changed: [entry] });
    // The relying party's copy is kept for max-age (ttl/2); the served list has changed once it is stale.
    expect(await client.statusOf(entry)).toBe(0);
    server.clock.now += 31_000;
    expect(await client.statusOf(entry)).toBe(1);
    expect(await (await admin({ status_list: entry, status: 'valid' })).json()).toEqual({
      status: 'valid',
      changed: [],
    });
  });

  it('I-30: one credential is suspended and reinstated by its status_list reference', async () => {
    const wallet = await server.wallet();
    const entry = await statusOf(await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' }));
    expect((await admin({ status_list: entry, status: 'suspended' })).status).toBe(200);
    server.clock.now += 61_000;
    expect(await client.statusOf(entry)).toBe(2);
    expect((await admin({ status_list: entry, status: 'valid' })).status).toBe(200);
    server.clock.now += 61_000;
    expect(await client.statusOf(entry)).toBe(0);
  });

  it('W-70, CF-40: each credential of a batch has its own status entry, not adjacent by issuance order', async () => {
    const wallet = await server.wallet();
    const flow = await untilToken(wallet);
    const keys = [wallet.options.holderKey, await generateWalletKey(), await generateWalletKey()];
    const answer = await wallet.credential(flow.accessToken, {
      configurationId: 'demo_membership',
      cNonce: await wallet.nonce(),
      proofKeys: keys,
    });
    expect(answer.status).toBe(200);
    const credentials = (answer.body.credentials as Array<{ credential: string }>).map((c) => c.credential);
    const entries = await Promise.all(credentials.map(statusOf));
    expect(new Set(entries.map((e) => e.idx)).size).toBe(3);
  });

  it('I-30: once the admin revoked a session, its live token gets no more credentials (credential_request_denied)', async () => {
    const wallet = await server.wallet();
    const flow = await untilToken(wallet);
    const sessionId = flow.authSession.split('.')[0]!;
    expect((await admin({ session_id: sessionId, status: 'revoked' })).status).toBe(200);
    const answer = await wallet.credential(flow.accessToken, {
      configurationId: 'demo_membership',
      cNonce: await wallet.nonce(),
    });
    expect([answer.status, answer.body.error]).toEqual([400, 'credential_request_denied']);
  });

  it('W-70, OpenID4VCI §8.3: a batch proving the same key twice is refused with invalid_proof', async () => {
    const wallet = await server.wallet();
    const flow = await untilToken(wallet);
    const answer = await wallet.credential(flow.accessToken, {
      configurationId: 'demo_membership',
      cNonce: await wallet.nonce(),
      proofKeys: [wallet.options.holderKey, wallet.options.holderKey],
    });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_proof']);
  });

  it('the admin API refuses a foreign status list, a malformed change and a wrong token with error JSON', async () => {
    const foreign = await admin({ status_list: { uri: 'https://other.example/status/0', idx: 1 }, status: 'revoked' });
    expect([foreign.status, (await foreign.json()).error]).toEqual([400, 'invalid_request']);
    const both = await admin({
      session_id: 'AAAAAAAAAAAAAAAAAAAAAA',
      status_list: { uri: '', idx: 0 },
      status: 'revoked',
    });
    expect([both.status, (await both.json()).error]).toEqual([400, 'invalid_request']);
    const wrong = await admin({ session_id: 'AAAAAAAAAAAAAAAAAAAAAA', status: 'revoked' }, 'not-the-admin-token-0000');
    expect(wrong.status).toBe(401);
    const missing = await fetch(`${server.url}/status/7`);
    expect([missing.status, (await missing.json()).error]).toEqual([404, 'invalid_request']);
  });
});
