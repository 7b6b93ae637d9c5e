import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilPresentation } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { InteractiveSteps } from '../../wallet/interactive-flow.js';

const FLOW = { scope: 'membership', configurationId: 'demo_membership' };

/** Issue 13: S3, Interactive Authorization as a profile of First-Party Apps, on the challenge endpoint (protocol-ia.md §2–§4). */
describe('S3 at the challenge endpoint', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ policy: { afterWalletError: 'new_request', maxPresentationAttempts: 2 } });
  });
  afterAll(() => server.stop());

  async function opened() {
    const steps = new InteractiveSteps(await server.wallet());
    const first = await steps.challenge({ scope: FLOW.scope });
    return { steps, first, authSession: String(first.body.auth_session), request: await steps.request(first) };
  }

  it('protocol-ia.md §3.2, §4: 401 insufficient_authorization with interaction_type_required and a signed request by value for ia_post', async () => {
    const { first } = await opened();
    expect(first.status).toBe(401);
    expect(first.headers.get('www-authenticate')).toContain('error="insufficient_authorization"');
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body).toMatchObject({
      error: 'insufficient_authorization',
      interaction_type_required: 'urn:openid:dcp:ia:openid4vp_presentation',
    });
    const jws = String((first.body.openid4vp_request as { request: string }).request);
    expect(decodeProtectedHeader(jws)).toMatchObject({ typ: 'oauth-authz-req+jwt', alg: 'ES256' });
    const claims = decodeJwt(jws);
    expect(claims).toMatchObject({
      response_type: 'vp_token',
      response_mode: 'ia_post',
      expected_origins: [new URL(server.url).origin],
      client_id: `x509_san_dns:${new URL(server.url).hostname}`,
    });
    expect([claims.response_uri, claims.state, claims.request_uri]).toEqual([undefined, undefined, undefined]);
  });

  it('FiPA §5.1: response_type=code is required in S3', async () => {
    const wallet = await server.wallet();
    const answer = await wallet.challenge({
      scope: FLOW.scope,
      interaction_types_supported: 'urn:openid:dcp:ia:openid4vp_presentation',
    });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
  });

  it('protocol-ia.md §4, §11: ia:<challenge URL> is accepted beside ia:<origin> by default', async () => {
    const { steps, authSession, request } = await opened();
    expect((await steps.respond(authSession, request, { audience: `ia:${steps.endpoint}` })).status).toBe(200);
  });

  it('protocol-ia.md §2.3: a follow-up without openid4vp_response is refused while the presentation is pending', async () => {
    const { steps, authSession } = await opened();
    const answer = await steps.wallet.challenge({ auth_session: authSession });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
  });

  it('issue 13 §1: a pdis on an S3 session and an openid4vp_response on an L session are refused', async () => {
    const { steps, authSession, request } = await opened();
    const pdis = await steps.wallet.challenge({
      auth_session: authSession,
      presentation_during_issuance_session: `${authSession.split('.')[0]}.forged`,
    });
    expect([pdis.status, pdis.body.error]).toEqual([400, 'invalid_request']);
    const legacy = await server.wallet();
    const l = await untilPresentation(legacy);
    const carried = await new InteractiveSteps(legacy).respond(l.authSession, request);
    expect([carried.status, carried.body.error]).toEqual([400, 'invalid_request']);
  });
});
