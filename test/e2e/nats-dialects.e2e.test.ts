import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../testing/cluster.js';
import { generateWalletKey } from '../../wallet/keys.js';
import { type InteractiveDialect, InteractiveSteps, runInteractiveFlow } from '../../wallet/interactive-flow.js';

const FLOW = { scope: 'membership', configurationId: 'demo_membership' };
const INTERACTIVE: InteractiveDialect[] = ['S1', 'S2', 'S3'];

/** Issue 13: every dialect on JetStream, through two engine processes behind the NATS gateway. */
describe('the dialects on JetStream behind the NATS transport', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(2, 10_000, { interactiveAuthorization: { iae: { enabled: true } } });
  }, 60_000);
  afterAll(() => cluster.stop());

  /** A session of `dialect` whose interaction answer carried the OpenID4VP request. */
  async function awaitingPresentation(dialect: InteractiveDialect) {
    const steps = new InteractiveSteps(await cluster.wallet(), dialect);
    const first = await steps.challenge({ scope: FLOW.scope });
    return { steps, request: await steps.request(first), authSession: String(first.body.auth_session) };
  }

  it('issue 13: L, S1, S2 and S3 flows complete with the reference wallet', async () => {
    expect((await (await cluster.wallet()).runFlow(FLOW)).length).toBeGreaterThan(100);
    for (const dialect of INTERACTIVE)
      expect((await runInteractiveFlow(await cluster.wallet(), { ...FLOW, dialect })).length).toBeGreaterThan(100);
  });

  it.each(INTERACTIVE)(
    'OpenID4VP §13.3 (%s): a replayed openid4vp_response is refused on any instance',
    async (dialect) => {
      const { steps, request, authSession } = await awaitingPresentation(dialect);
      expect((await steps.respond(authSession, request)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await steps.respond(authSession, request)).status).toBe(400);
    },
  );

  it.each(INTERACTIVE)(
    'FiPA §9.6.1, P-41 (%s): another DPoP key and the legacy client_id as audience are refused',
    async (dialect) => {
      const { steps, request, authSession } = await awaitingPresentation(dialect);
      const otherKey = await steps.respond(authSession, request, {}, { dpopKey: await generateWalletKey() });
      expect(otherKey.body.error).toBe('invalid_dpop_proof');
      const legacyAudience = await steps.respond(authSession, request, { audience: request.clientId });
      expect(legacyAudience.body.error).toBe('invalid_request');
    },
  );

  it.each(INTERACTIVE)(
    'issue 13 §7 (%s): after the wallet error the old auth_session is refused on any instance',
    async (dialect) => {
      const { steps, request, authSession } = await awaitingPresentation(dialect);
      const retry = await steps.respond(authSession, request, { error: 'access_denied' });
      expect(retry.status).toBe(steps.interactionStatus);
      for (let i = 0; i < 3; i++)
        expect((await steps.respond(authSession, request)).body.error).toBe('invalid_session');
    },
  );
});
