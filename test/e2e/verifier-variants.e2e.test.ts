import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

/** OpenID4VP §5.9.3 client identifier prefixes and §5.10 request_uri_method=post. */
describe('verifier variants', () => {
  let server: RunningIssuer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it.each(['x509_hash', 'redirect_uri'] as const)(
    'the whole flow with the %s client identifier prefix',
    async (clientIdPrefix) => {
      server = await startIssuer({ verifier: { clientIdPrefix, responseMode: 'direct_post' } });
      const wallet = await server.wallet();
      const credential = await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' });
      expect(credential).toContain('~');
    },
  );

  it('OpenID4VP §5.10, issue 10 §5: an over-long wallet_nonce is refused before anything is signed, and the request object can still be fetched', async () => {
    server = await startIssuer();
    const wallet = await server.wallet();
    const first = await wallet.challenge({ scope: 'membership' });
    const requestUri = new URL(String(first.body.presentation)).searchParams.get('request_uri')!;
    const post = (walletNonce: string) =>
      fetch(requestUri, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ wallet_nonce: walletNonce }).toString(),
      });
    const refused = await post('n'.repeat(60_000));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_request');
    expect((await post('wallet-nonce-0002')).status).toBe(200);
  });

  it('RFC 7516 §4.1.3, issue 10 §5: a compressed direct_post.jwt response is refused; the same presentation uncompressed is accepted', async () => {
    server = await startIssuer({ verifier: { clientIdPrefix: 'x509_san_dns', responseMode: 'direct_post.jwt' } });
    const wallet = await server.wallet();
    const first = await wallet.challenge({ scope: 'membership' });
    const request = await wallet.requestObject(String(first.body.presentation));
    const zipped = await wallet.respond(request, { compress: true });
    expect([zipped.status, zipped.body.error]).toEqual([400, 'invalid_request']);
    expect((await wallet.respond(request)).status).toBe(200);
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
