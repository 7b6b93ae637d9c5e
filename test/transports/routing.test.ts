import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountIssuer, type MountedIssuer } from './mount-harness.js';

// Issue 12 §2, §5: routing under a base path, CORS per route, OPTIONS and HEAD, on a real issuer (SQLite) through issuer.fetch.
const WALLET_ORIGIN = 'https://wallet.example';
const ADMIN_TOKEN = 'routing-admin-token-000000001';
const unserved = async () => async () => undefined;
let mounted: MountedIssuer;
beforeAll(async () => {
  mounted = await mountIssuer(unserved, { cors: { origins: [WALLET_ORIGIN] }, adminToken: ADMIN_TOKEN });
});
afterAll(() => mounted.stop());

const call = (path: string, init: RequestInit = {}) =>
  mounted.issuer.fetch(new Request(`${mounted.origin}${path}`, init));
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe('routing under the base path /oid4vci', () => {
  it.each([
    '/oid4vci/.well-known/openid-credential-issuer',
    '/.well-known/openid-credential-issuer',
    '/.well-known/openid-credential-issuer/oid4vci',
    '/oid4vci/.well-known/oauth-authorization-server',
    '/.well-known/oauth-authorization-server/oid4vci',
    '/oid4vci/.well-known/jwt-vc-issuer',
    '/.well-known/jwt-vc-issuer/oid4vci',
  ])('RFC 8414 §3.1 / §5, OpenID4VCI §12.2.2: %s is served (site-root, appended or stripped form)', async (path) => {
    const response = await call(path);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { credential_issuer?: string; issuer?: string };
    expect(body.credential_issuer ?? body.issuer).toBe(mounted.publicUrl);
  });

  it.each([
    '/.well-known/openid-credential-issuer/other',
    '/.well-known/openid-credential-issuer/oid4vci/extra',
    '/.well-known/unknown-document/oid4vci',
    '/oid4vcix/token',
    '/oid4vci',
    '/oid4vci/',
    '/oid4vci%2Ftoken',
    '/oid4vci/offers/..%2Fadmin',
  ])('%s is no endpoint: 404 with the error JSON', async (path) => {
    const response = await call(path);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'no such endpoint' });
  });

  it('a stripped and an unstripped path reach the same endpoint', async () => {
    for (const path of ['/token', '/oid4vci/token']) {
      const response = await call(path, { method: 'POST', headers: form, body: 'grant_type=authorization_code' });
      expect([path, response.status, (await response.json()).error]).toEqual([path, 400, 'invalid_request']);
    }
  });

  it('RFC 9110 §15.5.6: a method the route does not take is 405 with Allow (HEAD only where GET is safe, OPTIONS everywhere)', async () => {
    const token = await call('/oid4vci/token');
    expect([token.status, token.headers.get('allow')]).toEqual([405, 'POST, OPTIONS']);
    const metadata = await call('/oid4vci/.well-known/jwt-vc-issuer', { method: 'POST' });
    expect([metadata.status, metadata.headers.get('allow')]).toEqual([405, 'GET, HEAD, OPTIONS']);
  });
});

describe('CORS (issue 12 §5)', () => {
  const origin = (value: string) => ({ Origin: value });

  it('the well-known documents answer any origin with Access-Control-Allow-Origin: *', async () => {
    for (const headers of [origin('https://anyone.example'), {}]) {
      const response = await call('/.well-known/openid-credential-issuer/oid4vci', { headers });
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('the token endpoint allows a configured origin only: its ACAO, Vary: Origin, WWW-Authenticate exposed', async () => {
    const post = (headers: Record<string, string>) =>
      call('/oid4vci/token', { method: 'POST', headers: { ...form, ...headers }, body: 'grant_type=x' });
    const allowed = await post(origin(WALLET_ORIGIN));
    expect(allowed.headers.get('access-control-allow-origin')).toBe(WALLET_ORIGIN);
    expect(allowed.headers.get('vary')).toBe('Origin');
    expect(allowed.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
    const other = await post(origin('https://attacker.example'));
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.status).toBe(allowed.status);
  });

  it('the admin API never answers CORS, not even to a configured origin, nor in a preflight', async () => {
    const headers = {
      ...origin(WALLET_ORIGIN),
      Authorization: `Bearer ${ADMIN_TOKEN}`,
      'Content-Type': 'application/json',
    };
    const created = await call('/oid4vci/admin/offers', {
      method: 'POST',
      headers,
      body: JSON.stringify({ credential_configuration_ids: ['demo_membership'] }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await call('/oid4vci/admin/offers', {
      method: 'OPTIONS',
      headers: { ...origin(WALLET_ORIGIN), 'Access-Control-Request-Method': 'POST' },
    });
    expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, null]);
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('OPTIONS and HEAD (RFC 9110 §9.3.7, §9.3.2)', () => {
  it('a preflight from a configured origin lists the methods, the wallet headers and a max age', async () => {
    const response = await call('/oid4vci/credential', {
      method: 'OPTIONS',
      headers: { Origin: WALLET_ORIGIN, 'Access-Control-Request-Method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.get('allow')).toBe('POST, OPTIONS');
    expect(response.headers.get('access-control-allow-origin')).toBe(WALLET_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')?.split(', ')).toEqual([
      'Content-Type',
      'Authorization',
      'DPoP',
      'OAuth-Client-Attestation',
      'OAuth-Client-Attestation-PoP',
    ]);
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('a preflight from another origin gets Allow only; OPTIONS on no endpoint is 404', async () => {
    const response = await call('/oid4vci/nonce', {
      method: 'OPTIONS',
      headers: { Origin: 'https://attacker.example' },
    });
    expect([response.status, response.headers.get('allow')]).toEqual([204, 'POST, OPTIONS']);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await call('/oid4vci/nope', { method: 'OPTIONS' })).status).toBe(404);
  });

  it('HEAD on a well-known document: the GET status and headers, its body length, no body', async () => {
    const get = await call('/oid4vci/.well-known/oauth-authorization-server');
    const head = await call('/oid4vci/.well-known/oauth-authorization-server', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(head.headers.get('content-length')).toBe(String((await get.arrayBuffer()).byteLength));
  });

  it('RFC 9110 §9.2.1: HEAD never runs a GET that serves something once (the offer stays to be fetched)', async () => {
    const created = await call('/oid4vci/admin/offers', {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ credential_configuration_ids: ['demo_membership'] }),
    });
    const offerPath = new URL(((await created.json()) as { credential_offer_uri: string }).credential_offer_uri)
      .pathname;
    const head = await call(offerPath, { method: 'HEAD' });
    expect([head.status, head.headers.get('allow')]).toEqual([405, 'GET, OPTIONS']);
    expect((await call(offerPath)).status).toBe(200);
    expect((await call('/oid4vci/verifier/request/abc', { method: 'HEAD' })).status).toBe(405);
  });
});
