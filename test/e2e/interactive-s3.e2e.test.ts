import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilPresentation } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { generateWalletKey } from '../../wallet/index.js';
import { InteractiveSteps, runInteractiveFlow } from '../../wallet/interactive-flow.js';

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

  it('issue 13 §3: the reference wallet completes an S3 flow and gets its credential', async () => {
    const credential = await runInteractiveFlow(await server.wallet(), FLOW);
    expect(credential.split('~').length).toBeGreaterThan(1);
  });

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

  it('protocol-ia.md §3.2: a wallet that does not offer the presentation type gets missing_interaction_type', async () => {
    const wallet = await server.wallet();
    const answer = await wallet.challenge({
      scope: FLOW.scope,
      response_type: 'code',
      interaction_types_supported: 'urn:openid:dcp:ia:auth_via_web',
    });
    expect([answer.status, answer.body.error]).toEqual([400, 'missing_interaction_type']);
  });

  it('RFC 9126 §3, protocol-ia.md §6 (SSRF): a request_uri in the initial request is refused, never fetched', async () => {
    const steps = new InteractiveSteps(await server.wallet());
    const answer = await steps.challenge({ scope: FLOW.scope, request_uri: 'https://attacker.example/r' });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
  });

  it('FiPA §5.1: response_type=code is required in S3', async () => {
    const wallet = await server.wallet();
    const answer = await wallet.challenge({
      scope: FLOW.scope,
      interaction_types_supported: 'urn:openid:dcp:ia:openid4vp_presentation',
    });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
  });

  it('OpenID4VP §13.3: a replayed openid4vp_response is refused once the code was issued', async () => {
    const { steps, authSession, request } = await opened();
    expect((await steps.respond(authSession, request)).status).toBe(200);
    const replay = await steps.respond(authSession, request);
    expect(replay.status).toBe(400);
  });

  it('P-41, protocol-ia.md §4: the legacy verifier client_id as key-binding audience is refused on an S3 session', async () => {
    const { steps, authSession, request } = await opened();
    const answer = await steps.respond(authSession, request, { audience: request.clientId });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
  });

  it('protocol-ia.md §4, §11: ia:<challenge URL> is accepted beside ia:<origin> by default', async () => {
    const { steps, authSession, request } = await opened();
    expect((await steps.respond(authSession, request, { audience: `ia:${steps.endpoint}` })).status).toBe(200);
  });

  it('P-41, OpenID4VP §14.1: a presentation for another nonce is refused', async () => {
    const { steps, authSession, request } = await opened();
    const answer = await steps.respond(authSession, request, { nonce: 'another-nonce-of-another-session' });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
  });

  it('FiPA §9.6.1 (P-20): a follow-up with another DPoP key is refused', async () => {
    const { steps, authSession, request } = await opened();
    const answer = await steps.respond(authSession, request, {}, { dpopKey: await generateWalletKey() });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_dpop_proof']);
  });

  it('issue 13 §7: the wallet error earns a new request with a new auth_session; the old one is refused; the retry bound denies', async () => {
    const { steps, authSession, request } = await opened();
    const retry = await steps.respond(authSession, request, { error: 'access_denied' });
    expect([retry.status, retry.body.error]).toEqual([401, 'insufficient_authorization']);
    expect(retry.body.auth_session).not.toBe(authSession);
    const old = await steps.respond(authSession, request);
    expect([old.status, old.body.error]).toEqual([400, 'invalid_session']);
    const second = await steps.request(retry);
    const denied = await steps.respond(String(retry.body.auth_session), second, { error: 'access_denied' });
    expect([denied.status, denied.body.error]).toEqual([400, 'access_denied']);
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
