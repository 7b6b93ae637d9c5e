import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../../protocol/endpoints/offers.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

describe('credential offers and input limits', () => {
  let server: RunningIssuer;
  const adminToken = 'admin-token-for-tests-000001';
  beforeAll(async () => {
    server = await startIssuer({ adminToken, bodyLimitBytes: 4096 });
  });
  afterAll(() => server.stop());

  it('OpenID4VCI §4.1: an offer by reference is served once, and its issuer_state binds one challenge', async () => {
    const created = await fetch(`${server.url}/admin/offers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ credential_configuration_ids: ['demo_membership'] }),
    }).then((r) => r.json());
    const offerUri = new URL(created.offer_uri).searchParams.get('credential_offer_uri')!;
    const offer = await fetch(offerUri).then((r) => r.json());
    expect(offer).toMatchObject({ credential_issuer: server.url, credential_configuration_ids: ['demo_membership'] });
    expect((await fetch(offerUri)).status).toBe(404);
    const issuerState = offer.grants.authorization_code.issuer_state;
    const wallet = await server.wallet();
    const credential = await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership', issuerState });
    expect(credential.split('~').length).toBeGreaterThan(2);
    expect((await wallet.challenge({ scope: 'membership', issuer_state: issuerState })).body.error).toBe(
      'access_denied',
    );
  });

  it('an offer by value carries the issuer_state in the URI; the admin API needs its token', async () => {
    const links = await createOffer(server.internals, ['demo_membership'], false);
    const offer = JSON.parse(new URL(links.offerUri).searchParams.get('credential_offer')!);
    expect(offer.grants.authorization_code.issuer_state).toBe(links.issuerState);
    expect((await fetch(`${server.url}/admin/offers`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('refuses a wrong content type, a repeated parameter, an oversized body and an unknown path with error JSON', async () => {
    const post = (body: string, type = 'application/x-www-form-urlencoded') =>
      fetch(`${server.url}/authorize-challenge`, { method: 'POST', headers: { 'Content-Type': type }, body });
    const wrongType = await post('scope=membership', 'application/json');
    expect([wrongType.status, (await wrongType.json()).error]).toEqual([400, 'invalid_request']);
    const repeated = await post('scope=membership&scope=other');
    expect((await repeated.json()).error).toBe('invalid_request');
    const huge = await post(`scope=${'x'.repeat(5000)}`);
    expect([huge.status, (await huge.json()).error]).toEqual([413, 'invalid_request']);
    const unknown = await fetch(`${server.url}/nope`);
    expect([unknown.status, (await unknown.json()).error]).toEqual([404, 'invalid_request']);
    const method = await fetch(`${server.url}/token`);
    expect(method.status).toBe(405);
  });
});
