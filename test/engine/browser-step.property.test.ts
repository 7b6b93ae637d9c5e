import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Command, contextOf, type Dialect, type SessionEvent, stateName } from '../../engine/index.js';
import { Flow, SECOND, T0, VERIFIER } from '../../testing/flow.js';
import { engineConfig } from '../../testing/engine-config.js';
import { runCommands } from '../../testing/run.js';

const BROWSER = engineConfig({ onRetry: () => 'redirect_to_web' });
const arbDialect = fc.constantFrom<Dialect>('S1', 'S2', 'S3');

/** An interactive session whose wallet declined in the wallet, so the policy offered the browser step (round 1's request_uri). */
function offered(flow: Flow) {
  return runCommands(
    [
      flow.start(T0, ['pid_mdl'], { browserStep: true }),
      flow.walletErrorInFollowUp(T0 + SECOND),
      flow.continue(T0 + 2 * SECOND),
    ],
    BROWSER,
  ).state;
}

/** The wallet's and the page's steps of a browser step, in any order, any number of times. */
function arbSteps(flow: Flow) {
  const step = fc.constantFrom<(at: number) => Command>(
    (at) => flow.startBrowserStep(at),
    (at) => flow.retrieve(at, 2),
    (at) => flow.present(at, 2),
    (at) => flow.walletError(at, 2),
    (at) => flow.completeBrowserStep(at),
    (at) => flow.completeBrowserStep(at, flow.value('another page')),
    (at) => flow.continue(at, { round: 2, presentation: flow.carried(2) }),
    (at) => flow.continue(at, { round: 2 }),
  );
  return fc.array(fc.tuple(step, fc.integer({ min: 1, max: 90 })), { minLength: 1, maxLength: 12 });
}

function run(flow: Flow, steps: Array<[(at: number) => Command, number]>) {
  let at = T0 + 3 * SECOND;
  const commands = steps.map(([make, gap]) => {
    at += gap * SECOND;
    return make(at);
  });
  return runCommands(commands, BROWSER, offered(flow));
}

const accepted = (steps: ReturnType<typeof run>['steps']) =>
  steps.flatMap((step) => (step.event ? [step.event] : [])) as SessionEvent[];

/** Issue 15: the browser step is more events of the same session, under the same rules. */
describe('the browser step (issue 15)', () => {
  it('issue 15, P-20: a code comes to the page only after a presentation verified for the page’s own request, once', () => {
    fc.assert(
      fc.property(arbDialect, fc.nat(), (dialect, seed) => {
        const flow = new Flow(`session-${dialect}-browser-${seed}`, undefined, dialect);
        fc.assert(
          fc.property(arbSteps(flow), (steps) => {
            const events = accepted(run(flow, steps).steps);
            const codes = events.filter((e) => e.type === 'AuthorizationCodeIssued');
            expect(codes.length).toBeLessThanOrEqual(1);
            if (codes[0]) {
              const verified = events.findIndex((e) => e.type === 'PresentationVerified');
              expect(verified).toBeGreaterThanOrEqual(0);
              expect(verified).toBeLessThan(events.indexOf(codes[0]));
              expect(codes[0].data).toMatchObject({ pdisHash: flow.value('page') });
              expect(codes[0].data.caller).toBeUndefined();
            }
          }),
          { numRuns: 20 },
        );
      }),
      { numRuns: 10 },
    );
  });

  it('RFC 9126 §4, protocol-ia.md §5: the request_uri starts the browser step once; a wallet follow-up never advances it after', () => {
    fc.assert(
      fc.property(arbDialect, (dialect) => {
        const flow = new Flow(`session-${dialect}-browser-once`, undefined, dialect);
        fc.assert(
          fc.property(arbSteps(flow), (steps) => {
            const { steps: decided } = run(flow, steps);
            const started = decided.findIndex((s) => s.event?.type === 'BrowserStepStarted');
            expect(decided.filter((s) => s.event?.type === 'BrowserStepStarted').length).toBeLessThanOrEqual(1);
            for (const [index, step] of decided.entries())
              if (step.command.type === 'ContinueChallenge' && started >= 0 && index > started)
                expect(step.error).toBeDefined();
          }),
          { numRuns: 30 },
        );
      }),
    );
  });

  it('RFC 9126 §2.2: a request_uri is refused once expired, or when another was pushed, and the refusal changes nothing', () => {
    fc.assert(
      fc.property(arbDialect, fc.integer({ min: 1, max: 600 }), fc.boolean(), (dialect, seconds, foreign) => {
        const flow = new Flow(`session-${dialect}-browser-expiry`, undefined, dialect);
        const before = offered(flow);
        const lifetime = BROWSER.lifetimes.request / SECOND;
        const command = flow.startBrowserStep(T0 + 2 * SECOND + seconds * SECOND, foreign ? 7 : 1);
        const { steps, state } = runCommands([command], BROWSER, before);
        const ok = !foreign && seconds < lifetime;
        expect(steps[0]?.error === undefined).toBe(ok);
        if (!ok) expect(state).toBe(before);
      }),
    );
  });

  it('issue 15, RFC 7636 §4.6: the whole browser step: page → request fetched → presentation → code to the page → token with the verifier', () => {
    fc.assert(
      fc.property(arbDialect, (dialect) => {
        const flow = new Flow(`session-${dialect}-browser-happy`, undefined, dialect);
        const at = T0 + 3 * SECOND;
        const { steps, state } = runCommands(
          [
            flow.startBrowserStep(at),
            flow.retrieve(at + SECOND, 2),
            flow.present(at + 2 * SECOND, 2),
            flow.completeBrowserStep(at + 3 * SECOND),
            { ...flow.redeem(at + 4 * SECOND), verifierChallenge: flow.value('code_challenge') },
            flow.nonce(at + 5 * SECOND),
            flow.credential(at + 6 * SECOND),
          ],
          BROWSER,
          offered(flow),
        );
        expect(steps.map((s) => s.error?.rule)).toEqual(steps.map(() => undefined));
        expect(stateName(state)).toBe('completed');
      }),
    );
  });

  it('issue 15, FiPA §5.2.2.1.1: a wallet offering only the browser step starts there, with PKCE; without PKCE or in L it is refused', () => {
    fc.assert(
      fc.property(arbDialect, (dialect) => {
        const flow = new Flow(`session-${dialect}-browser-only`, undefined, dialect);
        const { state } = runCommands([flow.start(T0, ['pid_mdl'], { browserOnly: true })], BROWSER);
        expect(stateName(state)).toBe('browserStep');
        const started = runCommands([flow.startBrowserStep(T0 + SECOND, 0)], BROWSER, state);
        expect(stateName(started.state)).toBe('presentationRequired');
        const { codeChallenge: _, ...noPkce } = flow.start(T0, ['pid_mdl'], { browserOnly: true });
        expect(runCommands([noPkce], BROWSER).steps[0]?.error).toBeDefined();
      }),
    );
    const legacy = new Flow('session-L-browser-only');
    expect(runCommands([legacy.start(T0, ['pid_mdl'], { browserOnly: true })], BROWSER).steps[0]?.error).toBeDefined();
  });

  it('issue 15, RFC 9126 §2: a pushed authorization request (the browser flow B) starts in the browser step, with its redirect_uri; else it is refused', () => {
    const flow = new Flow('session-B-par', undefined, 'B');
    const pushed = { ...flow.start(T0, ['pid_mdl'], { browserOnly: true }), redirectUri: 'https://wallet.example/cb' };
    const { state } = runCommands([pushed], BROWSER);
    expect(stateName(state)).toBe('browserStep');
    const at = T0 + SECOND;
    const { steps, state: done } = runCommands(
      [
        flow.startBrowserStep(at, 0),
        flow.retrieve(at + SECOND, 1),
        flow.present(at + 2 * SECOND, 1),
        flow.completeBrowserStep(at + 3 * SECOND),
      ],
      BROWSER,
      state,
    );
    expect(steps.map((s) => s.error?.rule)).toEqual(steps.map(() => undefined));
    expect(stateName(done)).toBe('codeIssued');
    const { redirectUri: _, ...noRedirect } = pushed;
    const { browserStep: __, ...notBrowser } = pushed;
    for (const refused of [noRedirect, notBrowser])
      expect(runCommands([refused], BROWSER).steps[0]?.error).toBeDefined();
  });

  it('issue 15, RFC 6749 §4.1.2.1: a failed presentation ends the browser step as access_denied; a waiting page gets nothing', () => {
    const flow = new Flow('session-S3-browser-refused', undefined, 'S3');
    const at = T0 + 3 * SECOND;
    const { steps, state } = runCommands(
      [
        flow.startBrowserStep(at),
        flow.completeBrowserStep(at + SECOND),
        flow.retrieve(at + 2 * SECOND, 2),
        flow.walletError(at + 3 * SECOND, 2),
        flow.completeBrowserStep(at + 4 * SECOND),
      ],
      BROWSER,
      offered(flow),
    );
    expect(steps.map((s) => s.error?.rule)).toEqual(steps.map(() => undefined));
    expect(steps[1]?.event).toBeNull();
    expect(steps[4]?.event).toMatchObject({ type: 'Denied', data: { reason: 'browser_refused' } });
    expect(stateName(state)).toBe('denied');
  });

  it('P-41: the page’s presentation is bound to the verifier’s client_id (by reference), not to an interactive audience', () => {
    const flow = new Flow('session-S1-browser-aud', undefined, 'S1');
    const at = T0 + 3 * SECOND;
    const path = [flow.startBrowserStep(at), flow.retrieve(at + SECOND, 2)];
    const good = runCommands([...path, flow.present(at + 2 * SECOND, 2, { aud: VERIFIER })], BROWSER, offered(flow));
    expect(stateName(good.state)).toBe('presentationVerified');
    expect(contextOf(good.state).pdis?.hash).toBe(flow.value('page'));
    const bad = runCommands(
      [...path, flow.present(at + 2 * SECOND, 2, { aud: 'iae:https://issuer.example' })],
      BROWSER,
      offered(flow),
    );
    expect(bad.steps[2]?.error).toBeDefined();
  });
});
