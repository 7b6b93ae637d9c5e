import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWalletKey } from '../../wallet/keys.js';
import { untilCode, untilPdis, untilPresentation } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

describe('the Authorization Challenge Endpoint refuses what it must (FiPA §5, seed 000)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer();
  });
  afterAll(() => server.stop());

  it('answers insufficient_authorization with auth_session and an openid4vp:// presentation URI, no-store', async () => {
    const wallet = await server.wallet();
    const first = await wallet.challenge({ scope: 'membership' });
    expect(first.status).toBe(400);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const presentation = new URL(String(first.body.presentation));
    expect(presentation.protocol).toBe('openid4vp:');
    expect(presentation.searchParams.get('client_id')).toBe('x509_san_dns:127.0.0.1');
    expect(presentation.searchParams.get('request_uri')).toMatch(new RegExp(`^${server.url}/verifier/request/`));
  });

  it('FiPA §5.1: response_type absent or code is accepted, any other value and a request_uri are refused', async () => {
    const wallet = await server.wallet();
    expect((await wallet.challenge({ scope: 'membership', response_type: 'code' })).body.error).toBe(
      'insufficient_authorization',
    );
    expect((await wallet.challenge({ scope: 'membership', response_type: 'token' })).body.error).toBe(
      'invalid_request',
    );
    expect(
      (await wallet.challenge({ scope: 'membership', request_uri: 'urn:ietf:params:oauth:request_uri:x' })).body.error,
    ).toBe('invalid_request');
  });

  it('RFC 9700 §2.1.1: a code_challenge must use S256', async () => {
    const wallet = await server.wallet();
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    expect(
      (await wallet.challenge({ scope: 'membership', code_challenge: challenge, code_challenge_method: 'plain' })).body
        .error,
    ).toBe('invalid_request');
    expect((await wallet.challenge({ scope: 'membership', code_challenge: challenge })).body.error).toBe(
      'invalid_request',
    );
  });

  it('OpenID4VCI §5.1.2: an unknown scope is invalid_scope; unknown authorization_details are invalid_request', async () => {
    const wallet = await server.wallet();
    expect((await wallet.challenge({ scope: 'unknown' })).body.error).toBe('invalid_scope');
    const details = JSON.stringify([{ type: 'openid_credential', credential_configuration_id: 'nope' }]);
    expect((await wallet.challenge({ authorization_details: details })).body.error).toBe('invalid_request');
  });

  it('FiPA §9.6.1: a challenge without a DPoP proof is refused', async () => {
    const wallet = await server.wallet();
    expect((await wallet.challenge({ scope: 'membership' }, { dpopKey: null })).body.error).toBe('invalid_dpop_proof');
  });

  it('FiPA §5.2.2.1: an unknown auth_session is invalid_session', async () => {
    const wallet = await server.wallet();
    expect((await wallet.challenge({ auth_session: 'not-a-session' })).body.error).toBe('invalid_session');
    const { authSession } = await untilPresentation(wallet);
    const forged = `${authSession.split('.')[0]}.${'A'.repeat(43)}`;
    expect((await wallet.challenge({ auth_session: forged })).body.error).toBe('invalid_session');
  });

  it('FiPA §5.1: a follow-up call with another client_id is invalid_client', async () => {
    const wallet = await server.wallet();
    const { authSession } = await untilPresentation(wallet);
    expect((await wallet.challenge({ auth_session: authSession, client_id: 'another-client' })).body.error).toBe(
      'invalid_client',
    );
  });

  it('PDI-DE: a retry while the presentation is pending re-signals the same presentation', async () => {
    const wallet = await server.wallet();
    const { authSession, presentation } = await untilPresentation(wallet);
    const again = await wallet.challenge({ auth_session: authSession });
    expect(again.body).toMatchObject({ error: 'insufficient_authorization', auth_session: authSession, presentation });
  });

  it('P-20 fixation: a pdis from session A is refused with the auth_session of session B', async () => {
    const alice = await server.wallet();
    const mallory = await server.wallet();
    const a = await untilPdis(alice);
    const b = await untilPresentation(mallory);
    const relayed = await mallory.challenge({
      auth_session: b.authSession,
      presentation_during_issuance_session: a.pdis,
    });
    expect(relayed.body.error).toBe('invalid_request');
  });

  it('FiPA §9.6.1: the second challenge with another DPoP key is refused', async () => {
    const wallet = await server.wallet();
    const { authSession, pdis } = await untilPdis(wallet);
    const other = await generateWalletKey();
    const switched = await wallet.challenge(
      { auth_session: authSession, presentation_during_issuance_session: pdis },
      { dpopKey: other },
    );
    expect(switched.body.error).toBe('invalid_dpop_proof');
  });

  it('PDI-DE: a pdis is single use and the auth_session is finished once the code is issued', async () => {
    const wallet = await server.wallet();
    const { authSession, pdis } = await untilCode(wallet);
    expect(
      (await wallet.challenge({ auth_session: authSession, presentation_during_issuance_session: pdis })).body.error,
    ).toBe('invalid_session');
  });
});
