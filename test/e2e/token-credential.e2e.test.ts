import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../config/load.js';
import { dpopProof, generateWalletKey, keyProof } from '../../wallet/keys.js';
import { untilCode, untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

describe('token and credential endpoints (RFC 9449, OpenID4VCI §6–§8)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    const membership = DEMO_CREDENTIALS.demo_membership!;
    server = await startIssuer({
      credentialConfigurations: {
        ...DEMO_CREDENTIALS,
        second_card: { ...membership, scope: 'second', vct: 'urn:example:second:1' },
      },
    });
  });
  afterAll(() => server.stop());

  it('issues a DPoP-bound token (token_type DPoP) with no-store', async () => {
    const wallet = await server.wallet();
    const { tokenBody } = await untilToken(wallet);
    expect(tokenBody).toMatchObject({ token_type: 'DPoP', expires_in: 300 });
  });

  it('RFC 9449 §5: a token request without DPoP, or with another key than the session, is refused', async () => {
    const wallet = await server.wallet();
    const { code } = await untilCode(wallet);
    expect((await wallet.token(code, {}, { dpopKey: null })).body.error).toBe('invalid_dpop_proof');
    expect((await wallet.token(code, {}, { dpopKey: await generateWalletKey() })).body.error).toBe(
      'invalid_dpop_proof',
    );
    expect((await wallet.token(code)).status).toBe(200);
  });

  it('FiPA §5.1; RFC 6749 §3.2.1: a token request with another client_id is invalid_client, and the code stays usable', async () => {
    const wallet = await server.wallet();
    const { code } = await untilCode(wallet);
    const answer = await wallet.token(code, { client_id: 'another-client' });
    expect([answer.status, answer.body.error]).toEqual([401, 'invalid_client']);
    expect((await wallet.token(code)).status).toBe(200);
  });

  it('OpenID4VCI §8.2: credential_identifier with a token issued without authorization_details is invalid_credential_request', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const answer = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce: await wallet.nonce(),
      identifier: true,
    });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_credential_request']);
  });

  it('RFC 6749 §4.1.2: a code used twice is invalid_grant and revokes the token it produced', async () => {
    const wallet = await server.wallet();
    const { code, accessToken } = await untilToken(wallet);
    expect((await wallet.token(code)).body.error).toBe('invalid_grant');
    const credential = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce: await wallet.nonce(),
    });
    expect(credential.status).toBe(401);
    expect(credential.body.error).toBe('invalid_token');
  });

  it('RFC 9449 §11.1: a DPoP proof replayed (same jti) is refused', async () => {
    const wallet = await server.wallet();
    const { code } = await untilCode(wallet);
    const url = `${server.url}/token`;
    const proof = await dpopProof(wallet.dpopKey, { method: 'POST', url, now: server.clock.now });
    const send = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', DPoP: proof },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: wallet.clientId }).toString(),
      });
    expect((await send()).status).toBe(200);
    expect((await (await send()).json()).error).toBe('invalid_dpop_proof');
  });

  it('a deeply nested or huge JSON body at the credential endpoint is a clear 4xx', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const url = `${server.url}/credential`;
    for (const body of ['['.repeat(100_000), JSON.stringify({ proofs: { jwt: ['x'.repeat(70_000)] } })]) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `DPoP ${accessToken}`,
          DPoP: await dpopProof(wallet.dpopKey, { method: 'POST', url, accessToken, now: server.clock.now }),
        },
        body,
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(typeof (await response.json()).error).toBe('string');
    }
  });

  it('RFC 6749 §5.2: an unsupported grant type is refused', async () => {
    const wallet = await server.wallet();
    const answer = await wallet.form(`${server.url}/token`, { grant_type: 'client_credentials' });
    expect(answer.body.error).toBe('unsupported_grant_type');
  });

  it('RFC 7636 §4.6: a stored code_challenge needs its code_verifier at the token endpoint', async () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const wallet = await server.wallet();
    const { code } = await untilCode(wallet, {
      scope: 'membership',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    expect((await wallet.token(code)).body.error).toBe('invalid_grant');
    expect((await wallet.token(code, { code_verifier: `${verifier.slice(0, -1)}A` })).body.error).toBe('invalid_grant');
    expect((await wallet.token(code, { code_verifier: verifier })).status).toBe(200);
  });

  it('RFC 6749 §4.1.2: a code used after its 60 s lifetime is refused', async () => {
    const wallet = await server.wallet();
    const { code } = await untilCode(wallet);
    server.clock.now += 61_000;
    expect((await wallet.token(code)).body.error).toBe('invalid_grant');
  });

  it('RFC 9449 §7.1: the credential endpoint needs the DPoP scheme and the bound key', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const cNonce = await wallet.nonce();
    const bearer = await wallet.credential(
      accessToken,
      { configurationId: 'demo_membership', cNonce },
      { headers: { Authorization: `Bearer ${accessToken}` } },
    );
    expect([bearer.status, bearer.body.error]).toEqual([401, 'invalid_token']);
    expect(bearer.headers.get('www-authenticate')).toMatch(/^DPoP /);
    const switched = await wallet.credential(
      accessToken,
      { configurationId: 'demo_membership', cNonce },
      { dpopKey: await generateWalletKey() },
    );
    expect(switched.body.error).toBe('invalid_dpop_proof');
  });

  it('OpenID4VCI §8.3.1.2: an unknown configuration and a forged c_nonce are refused with their codes', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    expect(
      (await wallet.credential(accessToken, { configurationId: 'nope', cNonce: await wallet.nonce() })).body.error,
    ).toBe('unknown_credential_configuration');
    expect(
      (await wallet.credential(accessToken, { configurationId: 'demo_membership', cNonce: 'forged-nonce' })).body.error,
    ).toBe('invalid_nonce');
  });

  it('OpenID4VCI §13.8, §8.3.1.2: a c_nonce is single use; a fresh one gets the next credential; once every configuration is issued, credential_request_denied', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet, { scope: 'membership second' });
    const cNonce = await wallet.nonce();
    expect((await wallet.credential(accessToken, { configurationId: 'demo_membership', cNonce })).status).toBe(200);
    expect((await wallet.credential(accessToken, { configurationId: 'second_card', cNonce })).body.error).toBe(
      'invalid_nonce',
    );
    expect(
      (await wallet.credential(accessToken, { configurationId: 'second_card', cNonce: await wallet.nonce() })).status,
    ).toBe(200);
    expect(
      (await wallet.credential(accessToken, { configurationId: 'second_card', cNonce: await wallet.nonce() })).body
        .error,
    ).toBe('credential_request_denied');
  });

  it('OpenID4VCI App. F.4: a key proof for another audience is invalid_proof', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const proof = await keyProof(wallet.options.holderKey, {
      audience: 'https://issuer.attacker.example',
      nonce: await wallet.nonce(),
      now: server.clock.now,
    });
    const url = `${server.url}/credential`;
    const answer = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `DPoP ${accessToken}`,
        DPoP: await dpopProof(wallet.dpopKey, { method: 'POST', url, accessToken, now: server.clock.now }),
      },
      body: JSON.stringify({ credential_configuration_id: 'demo_membership', proofs: { jwt: [proof] } }),
    });
    expect((await answer.json()).error).toBe('invalid_proof');
  });

  it('OpenID4VCI §8.2: a malformed credential request is invalid_credential_request', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const answer = await wallet.credential(
      accessToken,
      { configurationId: 'demo_membership', cNonce: await wallet.nonce() },
      { headers: { 'Content-Type': 'text/plain' } },
    );
    expect(answer.body.error).toBe('invalid_credential_request');
  });
});
