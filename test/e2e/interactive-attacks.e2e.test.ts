import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../config/schema.js';
import { startCluster } from '../../testing/cluster.js';
import { startIssuer } from '../../testing/issuer-server.js';
import { generateWalletKey } from '../../wallet/keys.js';
import {
  INTERACTION_TYPES,
  type InteractiveDialect,
  InteractiveSteps,
  runInteractiveFlow,
} from '../../wallet/interactive-flow.js';
import type { ReferenceWallet } from '../../wallet/reference-wallet.js';

const FLOW = { scope: 'membership', configurationId: 'demo_membership' };
const DIALECTS: InteractiveDialect[] = ['S1', 'S2', 'S3'];
/** The browser step's type as each dialect spells it (protocol-ia.md §3, §5). */
const BROWSER_STEP = {
  S1: 'redirect_to_web',
  S2: 'urn:openid:dcp:iae:redirect_to_web',
  S3: 'urn:openid:dcp:ia:auth_via_web',
};
const IAE = { interactiveAuthorization: { iae: { enabled: true } } };

/** One running deployment: wallets that talk to it, and time that passes for it. */
interface Deployment {
  wallet: () => Promise<ReferenceWallet>;
  /** Let `ms` pass: the SQLite issuer's clock is moved; the JetStream engines run on real time. */
  elapse: (ms: number) => Promise<void>;
  stop: () => Promise<void>;
}

const BACKENDS: Record<string, (config: Partial<ConfigInput>) => Promise<Deployment>> = {
  SQLite: async (config) => {
    const server = await startIssuer(config);
    return {
      wallet: () => server.wallet(),
      elapse: async (ms) => {
        server.clock.now += ms;
      },
      stop: () => server.stop(),
    };
  },
  'JetStream behind the NATS transport': async (config) => {
    const cluster = await startCluster(2, 10_000, config);
    return {
      wallet: () => cluster.wallet(),
      elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      stop: () => cluster.stop(),
    };
  },
};

/** The deployments each backend runs: one per retry policy, and one whose sessions live two seconds. */
const POLICIES = {
  newRequest: { ...IAE, policy: { afterWalletError: 'new_request', maxPresentationAttempts: 2 } },
  browser: { ...IAE, policy: { afterWalletError: 'redirect_to_web' } },
  denied: { ...IAE, policy: { afterWalletError: 'access_denied' } },
  shortLived: { ...IAE, lifetimes: { session: 2 } },
} satisfies Record<string, Partial<ConfigInput>>;

/**
 * Issue 13, "the attack suite runs on every dialect": each refusal of Interactive Authorization,
 * for S1, S2 and S3, on SQLite and on JetStream behind the NATS transport.
 */
describe.each(Object.keys(BACKENDS))('Interactive Authorization attacked on %s', (backend) => {
  const running = {} as Record<keyof typeof POLICIES, Deployment>;
  beforeAll(async () => {
    for (const [name, config] of Object.entries(POLICIES))
      running[name as keyof typeof POLICIES] = await BACKENDS[backend]!(config);
  }, 120_000);
  afterAll(() => Promise.all(Object.values(running).map((deployment) => deployment.stop())));

  /** A session of `dialect` whose interaction answer carried the OpenID4VP request. */
  async function awaitingPresentation(dialect: InteractiveDialect, deployment = running.newRequest) {
    const steps = new InteractiveSteps(await deployment.wallet(), dialect);
    const first = await steps.challenge({ scope: FLOW.scope });
    expect(first.status).toBe(steps.interactionStatus);
    return { steps, request: await steps.request(first), authSession: String(first.body.auth_session) };
  }

  it.each(DIALECTS)('issue 13 §3 (%s): the reference wallet completes the flow and gets its credential', async (d) => {
    const credential = await runInteractiveFlow(await running.newRequest.wallet(), { ...FLOW, dialect: d });
    expect(credential.split('~').length).toBeGreaterThan(1);
  });

  it.each(DIALECTS)(
    'P-20, protocol-ia.md §6 (%s): a presentation made for another session is refused, and the session still completes',
    async (dialect) => {
      const a = await awaitingPresentation(dialect);
      const b = await awaitingPresentation(dialect);
      const foreign = await b.steps.wallet.responsePayload(b.request, { audience: b.steps.audience });
      const fixed = await a.steps.followUp(a.authSession, { openid4vp_response: JSON.stringify(foreign) });
      expect([fixed.status, fixed.body.error]).toEqual([400, 'invalid_request']);
      expect((await a.steps.respond(a.authSession, a.request)).status).toBe(200);
    },
  );

  it.each(DIALECTS)('issue 13 §2 (%s): an auth_session is refused at the other endpoint', async (dialect) => {
    const { steps, authSession, request } = await awaitingPresentation(dialect);
    const other = new InteractiveSteps(steps.wallet, dialect === 'S3' ? 'S1' : 'S3');
    const answer = await other.respond(authSession, request, { audience: steps.audience });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_session']);
  });

  it.each(DIALECTS)('OpenID4VP §13.3 (%s): a replayed openid4vp_response is refused', async (dialect) => {
    const { steps, authSession, request } = await awaitingPresentation(dialect);
    expect((await steps.respond(authSession, request)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await steps.respond(authSession, request)).status).toBe(400);
  });

  it.each(DIALECTS)(
    'P-41, protocol-ia.md §4 (%s): a foreign audience, the legacy client_id and another nonce are refused',
    async (dialect) => {
      const { steps, authSession, request } = await awaitingPresentation(dialect);
      for (const deviation of [
        { audience: `${dialect === 'S3' ? 'ia' : 'iae'}:https://attacker.example` },
        { audience: request.clientId },
        { nonce: 'a-nonce-this-session-never-handed-out' },
      ])
        expect((await steps.respond(authSession, request, deviation)).body.error).toBe('invalid_request');
      expect((await steps.respond(authSession, request)).status).toBe(200);
    },
  );

  it.each(DIALECTS)('FiPA §9.6.1, P-20 (%s): a follow-up with another DPoP key is refused', async (dialect) => {
    const { steps, authSession, request } = await awaitingPresentation(dialect);
    const answer = await steps.respond(authSession, request, {}, { dpopKey: await generateWalletKey() });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_dpop_proof']);
  });

  it.each(DIALECTS)(
    'RFC 9126 §3, protocol-ia.md §6 (%s): a request_uri in the initial request is refused, never fetched',
    async (dialect) => {
      const steps = new InteractiveSteps(await running.newRequest.wallet(), dialect);
      const answer = await steps.challenge({ scope: FLOW.scope, request_uri: 'https://attacker.example/r' });
      expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
    },
  );

  it.each(DIALECTS)(
    'protocol-ia.md §3, §5 (%s): a wallet offering only the browser step (with PKCE) is sent there at once; one offering neither type gets missing_interaction_type',
    async (dialect) => {
      const steps = new InteractiveSteps(await running.newRequest.wallet(), dialect);
      const browser = await steps.challenge({ scope: FLOW.scope, interaction_types_supported: BROWSER_STEP[dialect] });
      expect([
        browser.status,
        String(browser.body.request_uri).startsWith('urn:ietf:params:oauth:request_uri:'),
      ]).toEqual([steps.interactionStatus, true]);
      const unknown = dialect === 'S3' ? 'urn:openid:dcp:ia:unknown' : 'unknown';
      const neither = await steps.challenge({ scope: FLOW.scope, interaction_types_supported: unknown });
      expect([neither.status, neither.body.error]).toEqual([400, 'missing_interaction_type']);
    },
  );

  it.each(DIALECTS)('FiPA §5.2.2 (%s): a follow-up after the session expired is invalid_session', async (dialect) => {
    const { steps, authSession, request } = await awaitingPresentation(dialect, running.shortLived);
    await running.shortLived.elapse(2500);
    const answer = await steps.respond(authSession, request);
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_session']);
  });

  it.each(DIALECTS)(
    'issue 13 §7 (%s): after the wallet error a new request with a new auth_session; the old one is refused; the bound denies',
    async (dialect) => {
      const { steps, authSession, request } = await awaitingPresentation(dialect);
      const retry = await steps.respond(authSession, request, { error: 'access_denied' });
      expect(retry.status).toBe(steps.interactionStatus);
      expect(retry.body.auth_session).not.toBe(authSession);
      expect((await steps.respond(authSession, request)).body.error).toBe('invalid_session');
      const again = await steps.respond(String(retry.body.auth_session), await steps.request(retry), {
        error: 'access_denied',
      });
      expect([again.status, again.body.error]).toEqual([400, 'access_denied']);
    },
  );

  it.each(DIALECTS)('issue 13 §7 (%s): with the access_denied policy the wallet error ends the session', async (d) => {
    const { steps, authSession, request } = await awaitingPresentation(d, running.denied);
    const denied = await steps.respond(authSession, request, { error: 'access_denied' });
    expect([denied.status, denied.body.error]).toEqual([400, 'access_denied']);
    expect((await steps.respond(authSession, request)).body.error).toBe('invalid_session');
  });

  it.each(DIALECTS)(
    'issue 13 §8, protocol-ia.md §5 (%s): the browser step answers a single request_uri with expires_in and a new auth_session',
    async (dialect) => {
      const { steps, authSession, request } = await awaitingPresentation(dialect, running.browser);
      const browser = await steps.respond(authSession, request, { error: 'access_denied' });
      expect(browser.status).toBe(steps.interactionStatus);
      expect(browser.body[dialect === 'S3' ? 'interaction_type_required' : 'type']).toBe(BROWSER_STEP[dialect]);
      expect(String(browser.body.request_uri)).toMatch(/^urn:ietf:params:oauth:request_uri:[\w-]+\.[\w-]{43}$/);
      expect(browser.body.expires_in).toBeGreaterThan(0);
      expect(browser.body.auth_session).not.toBe(authSession);
      expect((await steps.respond(authSession, request)).body.error).toBe('invalid_session');
    },
  );

  it.each(DIALECTS)(
    'FiPA §5.2.2.1.1 (%s): a wallet that offered the browser step without a code_challenge gets no request_uri: it is denied',
    async (dialect) => {
      const steps = new InteractiveSteps(await running.browser.wallet(), dialect);
      const first = await steps.wallet.form(steps.endpoint, {
        client_id: steps.wallet.clientId,
        response_type: 'code',
        scope: FLOW.scope,
        interaction_types_supported: INTERACTION_TYPES[dialect],
      });
      expect(first.status).toBe(steps.interactionStatus);
      const request = await steps.request(first);
      const denied = await steps.respond(String(first.body.auth_session), request, { error: 'access_denied' });
      expect([denied.status, denied.body.error, denied.body.request_uri]).toEqual([400, 'access_denied', undefined]);
    },
  );
});
