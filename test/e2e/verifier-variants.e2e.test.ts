import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../support/issuer-server.js';

/** OpenID4VP §5.9.3 client identifier prefixes and §5.10 request_uri_method=post. */
describe('verifier variants', () => {
  let server: RunningIssuer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it.each(['x509_hash', 'redirect_uri'] as const)('the whole flow with the %s client identifier prefix', async (clientIdPrefix) => {
    server = await startIssuer({ verifier: { clientIdPrefix, responseMode: 'direct_post' } });
    const wallet = await server.wallet();
    const credential = await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' });
    expect(credential).toContain('~');
  });

  it('OpenID4VP §5.10.1: a request object fetched by POST echoes the wallet_nonce', async () => {
    server = await startIssuer();
    const wallet = await server.wallet();
    const first = await wallet.challenge({ scope: 'membership' });
    const requestUri = new URL(String(first.body.presentation)).searchParams.get('request_uri')!;
    const response = await fetch(requestUri, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/oauth-authz-req+jwt' },
      body: new URLSearchParams({ wallet_nonce: 'wallet-nonce-0001' }).toString(),
    });
    expect(response.headers.get('content-type')).toBe('application/oauth-authz-req+jwt');
    expect(decodeJwt(await response.text()).wallet_nonce).toBe('wallet-nonce-0001');
  });
});
