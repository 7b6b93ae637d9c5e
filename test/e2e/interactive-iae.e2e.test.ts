import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilPresentation } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { InteractiveSteps } from '../../wallet/interactive-flow.js';

const FLOW = { scope: 'membership', configurationId: 'demo_membership' };

/** Issue 13 §2, §3: S1 and S2 at the Interactive Authorization Endpoint of the second issuer identifier `<publicUrl>/iae`. */
describe('S1 and S2 at the IAE', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({
      interactiveAuthorization: { iae: { enabled: true } },
      policy: { afterWalletError: 'new_request', maxPresentationAttempts: 2 },
    });
  });
  afterAll(() => server.stop());
  const get = async (path: string) => (await fetch(`${server.url}${path}`)).json() as Promise<Record<string, unknown>>;

  async function opened(dialect: 'S1' | 'S2') {
    const steps = new InteractiveSteps(await server.wallet(), dialect);
    const first = await steps.challenge({ scope: FLOW.scope });
    return { steps, first, authSession: String(first.body.auth_session), request: await steps.request(first) };
  }

  it('issue 13 §2, protocol-ia.md §1, §9: the IAE is advertised only under the second identifier; the main AS keeps the challenge endpoint', async () => {
    const main = await get('/.well-known/oauth-authorization-server');
    expect(main.interactive_authorization_endpoint).toBeUndefined();
    expect(main.authorization_challenge_endpoint).toBe(`${server.url}/authorize-challenge`);
    const issuer = await get('/.well-known/openid-credential-issuer/iae');
    expect(issuer).toMatchObject({
      credential_issuer: `${server.url}/iae`,
      authorization_servers: [`${server.url}/iae`],
      credential_endpoint: `${server.url}/credential`,
    });
    const as = await get('/.well-known/oauth-authorization-server/iae');
    expect(as).toMatchObject({
      issuer: `${server.url}/iae`,
      interactive_authorization_endpoint: `${server.url}/iae/interactive-authorization`,
      token_endpoint: `${server.url}/token`,
    });
    expect(as.authorization_challenge_endpoint).toBeUndefined();
    // RFC 8414 §5 (the appended form) serves the same document.
    expect(await get('/iae/.well-known/oauth-authorization-server')).toEqual(as);
  });

  it('protocol-ia.md §3.1: S1 answers 200 require_interaction with the bare type and expected_url; S2 with the URN type and expected_origins', async () => {
    const s1 = await opened('S1');
    expect([s1.first.status, s1.first.body.status, s1.first.body.type]).toEqual([
      200,
      'require_interaction',
      'openid4vp_presentation',
    ]);
    const s1Claims = decodeJwt(String((s1.first.body.openid4vp_request as { request: string }).request));
    expect(s1Claims).toMatchObject({
      response_mode: 'iae_post',
      expected_url: `${server.url}/iae/interactive-authorization`,
    });
    expect(s1Claims.expected_origins).toBeUndefined();
    const s2 = await opened('S2');
    expect([s2.first.status, s2.first.body.type]).toEqual([200, 'urn:openid:dcp:iae:openid4vp_presentation']);
    const s2Claims = decodeJwt(String((s2.first.body.openid4vp_request as { request: string }).request));
    expect(s2Claims).toMatchObject({ response_mode: 'iae_post', expected_origins: [new URL(server.url).origin] });
    expect(s2Claims.expected_url).toBeUndefined();
  });

  it('protocol-ia.md §3.1: the code comes as 200 {status: ok, code}', async () => {
    const { steps, authSession, request } = await opened('S2');
    const answer = await steps.respond(authSession, request);
    expect([answer.status, answer.body.status, typeof answer.body.code]).toEqual([200, 'ok', 'string']);
  });

  it('protocol-ia.md §3.1: a wallet offering neither the presentation type nor the browser step gets missing_interaction_type', async () => {
    const wallet = await server.wallet();
    const answer = await new InteractiveSteps(wallet, 'S1').challenge({
      scope: FLOW.scope,
      interaction_types_supported: 'push_notification',
    });
    expect([answer.status, answer.body.error]).toEqual([400, 'missing_interaction_type']);
  });

  it('P-41, protocol-ia.md §4: on S2 the legacy client_id and an ia: audience are refused; iae:<IAE URL> is accepted', async () => {
    for (const audience of ['x509_san_dns:127.0.0.1', `ia:${new URL(server.url).origin}`]) {
      const { steps, authSession, request } = await opened('S2');
      const answer = await steps.respond(authSession, request, { audience });
      expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
    }
    const { steps, authSession, request } = await opened('S2');
    expect((await steps.respond(authSession, request, { audience: `iae:${steps.endpoint}` })).status).toBe(200);
  });

  it('issue 13 §2: an L or S3 auth_session is refused at the IAE, and an S1 one at the challenge endpoint', async () => {
    const legacy = await server.wallet();
    const { authSession: lSession } = await untilPresentation(legacy);
    const s1 = await opened('S1');
    const atIae = await new InteractiveSteps(legacy, 'S1').respond(lSession, s1.request);
    expect([atIae.status, atIae.body.error]).toEqual([400, 'invalid_session']);
    const atChallenge = await s1.steps.wallet.challenge({ auth_session: s1.authSession });
    expect([atChallenge.status, atChallenge.body.error]).toEqual([400, 'invalid_session']);
  });

  it('issue 13 §2: with the IAE disabled, its endpoint and the second identifier are not served', async () => {
    const plain = await startIssuer();
    try {
      for (const path of ['/iae/interactive-authorization', '/.well-known/oauth-authorization-server/iae'])
        expect(
          (await fetch(`${plain.url}${path}`, { method: path.includes('well-known') ? 'GET' : 'POST' })).status,
        ).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});
