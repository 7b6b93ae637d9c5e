import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionEvent, sessionMachine } from '../../engine/index.js';
import { dpopProof, keyProof } from '../../wallet/keys.js';
import { untilCode, untilPresentation, untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

/** Names that exist only inside the engine: event types, machine states. A public error description names none of them. */
const INTERNAL_NAMES = [
  ...SessionEvent.options.map((option) => option.shape.type.value),
  ...Object.keys(sessionMachine.states),
];
function expectPublicDescription(body: Record<string, unknown>) {
  const description = String(body.error_description);
  for (const name of INTERNAL_NAMES) expect(description, description).not.toMatch(new RegExp(`\\b${name}\\b`));
  expect(description).not.toMatch(/\b[a-z]+[A-Z][A-Za-z]*\b|\.\w+\./);
}

describe('token endpoint (RFC 6749 §4.1.3, §5.1)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer();
  });
  afterAll(() => server.stop());

  it('RFC 6749 §4.1.3: a public client must send client_id (invalid_request); the code is still good afterwards', async () => {
    const wallet = await server.wallet();
    const { code } = await untilCode(wallet);
    const without = await wallet.form(`${server.url}/token`, { grant_type: 'authorization_code', code });
    expect([without.status, without.body.error]).toEqual([400, 'invalid_request']);
    expectPublicDescription(without.body);
    expect((await wallet.token(code)).status).toBe(200);
  });

  it('RFC 6749 §5.1: the token response is Cache-Control no-store and Pragma no-cache', async () => {
    const wallet = await server.wallet();
    const { code } = await untilCode(wallet);
    const answer = await wallet.token(code);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('pragma')).toBe('no-cache');
  });
});

describe('credential endpoint as a protected resource (RFC 9449 §7.1, RFC 6750 §3.1)', () => {
  let server: RunningIssuer;
  let algs: string;
  beforeAll(async () => {
    server = await startIssuer();
    const { authorizationServer } = await (await server.wallet()).metadata();
    algs = (authorizationServer.body.dpop_signing_alg_values_supported as string[]).join(' ');
  });
  afterAll(() => server.stop());
  const url = () => `${server.url}/credential`;

  it('RFC 6750 §3.1: a request without any Authorization gets 401 and a challenge with no error, listing every advertised DPoP algorithm', async () => {
    const answer = await fetch(url(), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe(`DPoP algs="${algs}"`);
    expect(algs.split(' ')).toEqual(['ES256', 'ES384', 'EdDSA', 'PS256']);
    expect(await answer.text()).toBe('');
  });

  it('RFC 9449 §7.1: a DPoP proof error at the credential endpoint is 401 with WWW-Authenticate DPoP error="invalid_dpop_proof" and the algorithms', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const body = JSON.stringify({ credential_configuration_id: 'demo_membership', proofs: { jwt: ['x'] } });
    const proofs = [
      'not-a-jwt',
      await dpopProof(wallet.dpopKey, { method: 'POST', url: url(), now: server.clock.now }),
      await dpopProof(wallet.dpopKey, {
        method: 'POST',
        url: `${server.url}/token`,
        accessToken,
        now: server.clock.now,
      }),
    ];
    for (const proof of proofs) {
      const answer = await fetch(url(), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `DPoP ${accessToken}`, DPoP: proof },
        body,
      });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe(`DPoP error="invalid_dpop_proof", algs="${algs}"`);
      const error = await answer.json();
      expect(error.error).toBe('invalid_dpop_proof');
      expectPublicDescription(error);
    }
  });

  it('OpenID4VCI App. F.1: a key proof whose iss is not the client_id is invalid_proof', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const proof = await keyProof(wallet.options.holderKey, {
      audience: server.url,
      nonce: await wallet.nonce(),
      now: server.clock.now,
      clientId: 'another-client',
    });
    const answer = await fetch(url(), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `DPoP ${accessToken}`,
        DPoP: await dpopProof(wallet.dpopKey, { method: 'POST', url: url(), accessToken, now: server.clock.now }),
      },
      body: JSON.stringify({ credential_configuration_id: 'demo_membership', proofs: { jwt: [proof] } }),
    });
    expect([answer.status, (await answer.json()).error]).toEqual([400, 'invalid_proof']);
    expect(
      (await wallet.credential(accessToken, { configurationId: 'demo_membership', cNonce: await wallet.nonce() }))
        .status,
    ).toBe(200);
  });
});

describe('response headers and error descriptions (issue 10 §5)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer();
  });
  afterAll(() => server.stop());

  it('issue 10 §5: X-Content-Type-Options nosniff on every response: JSON, errors, 404, metadata and the request object JWT', async () => {
    const wallet = await server.wallet();
    const { presentation } = await untilPresentation(wallet);
    const fresh = await wallet.challenge({ scope: 'membership' });
    const requestUri = new URL(String(fresh.body.presentation)).searchParams.get('request_uri')!;
    const responses = await Promise.all([
      fetch(requestUri),
      fetch(`${server.url}/.well-known/openid-credential-issuer`),
      fetch(`${server.url}/no-such-endpoint`),
      fetch(`${server.url}/token`, { method: 'POST', body: 'x' }),
      fetch(`${server.url}/nonce`, { method: 'POST' }),
      fetch(new URL(presentation).searchParams.get('request_uri')!),
    ]);
    expect(responses[0]!.headers.get('content-type')).toBe('application/oauth-authz-req+jwt');
    for (const response of responses)
      expect(response.headers.get('x-content-type-options'), response.url).toBe('nosniff');
  });

  it('issue 10 §5: an over-long value is refused without naming an internal event or field', async () => {
    const wallet = await server.wallet();
    const answer = await wallet.challenge({
      scope: 'membership',
      redirect_uri: `https://wallet.example/${'a'.repeat(3000)}`,
    });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
    expectPublicDescription(answer.body);
  });
});
