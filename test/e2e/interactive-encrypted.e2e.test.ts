import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { type InteractiveDialect, InteractiveSteps, runInteractiveFlow } from '../../wallet/interactive-flow.js';

const FLOW = { scope: 'membership', configurationId: 'demo_membership' };
const DIALECTS: InteractiveDialect[] = ['S1', 'S2', 'S3'];

/** Issue 13 §4, protocol-ia.md §4 (encryption): the `.jwt` response modes, with the verifier's key in the request. */
describe('encrypted responses in S1, S2 and S3', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({
      verifier: { responseMode: 'direct_post.jwt' },
      interactiveAuthorization: { iae: { enabled: true } },
    });
  });
  afterAll(() => server.stop());

  it.each(DIALECTS)(
    'OpenID4VP §8.3 (%s): the request asks for iae_post.jwt / ia_post.jwt with an ECDH-ES key, and an encrypted response earns the code',
    async (dialect) => {
      const steps = new InteractiveSteps(await server.wallet(), dialect);
      const first = await steps.challenge({ scope: FLOW.scope });
      const claims = decodeJwt(String((first.body.openid4vp_request as { request: string }).request));
      expect(claims.response_mode).toBe(dialect === 'S3' ? 'ia_post.jwt' : 'iae_post.jwt');
      const keys = (claims.client_metadata as { jwks: { keys: Array<{ kty: string; crv: string }> } }).jwks.keys;
      expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256' });
      const credential = await runInteractiveFlow(await server.wallet(), { ...FLOW, dialect });
      expect(credential.length).toBeGreaterThan(100);
    },
  );

  it('OpenID4VP §8.3: a plain vp_token is refused where the request asked for an encrypted response', async () => {
    const steps = new InteractiveSteps(await server.wallet(), 'S3');
    const first = await steps.challenge({ scope: FLOW.scope });
    const request = await steps.request(first);
    const plain = await steps.respond(String(first.body.auth_session), { ...request, responseMode: 'ia_post' });
    expect([plain.status, plain.body.error]).toEqual([400, 'invalid_request']);
  });
});
