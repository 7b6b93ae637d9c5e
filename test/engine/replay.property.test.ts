import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateName } from '../../engine/index.js';
import { Flow, SECOND, T0, arbStepTimes, happyPathAt } from '../../testing/arbitraries.js';
import { runCommands } from '../../testing/run.js';

const later = fc.integer({ min: 0, max: 30 * SECOND });

/** Single use of every one-time value (seed 002 §6.4–6.6; RFC 6749 §4.1.2; OpenID4VCI §7.2; OpenID4VP §13.3). */
describe('replay', () => {
  it('PDI-DE: a pdis is single-use; presenting it again is refused', () => {
    fc.assert(
      fc.property(arbStepTimes, later, (times, gap) => {
        const flow = new Flow('session-pdis-replay');
        const done = runCommands(happyPathAt(flow, times).slice(0, 4));
        expect(stateName(done.state)).toBe('codeIssued');
        const again = runCommands(
          [flow.continue((times[3] ?? T0) + gap, { pdis: flow.value('pdis') })],
          undefined,
          done.state,
        );
        expect(again.steps[0]?.error?.code).toBe('invalid_session');
        expect(again.state).toBe(done.state);
      }),
    );
  });

  it('RFC 6749 §4.1.2: an authorization code is single-use and its second use revokes the token it produced', () => {
    fc.assert(
      fc.property(arbStepTimes, later, fc.integer({ min: 5, max: 7 }), (times, gap, progress) => {
        const flow = new Flow('session-code-replay');
        const before = runCommands(happyPathAt(flow, times).slice(0, progress)).state;
        const t = (times[progress - 1] ?? T0) + gap;
        const replay = runCommands(
          [flow.redeem(t), flow.nonce(t + 1, 2), flow.credential(t + 2, 2)],
          undefined,
          before,
        );
        expect(replay.steps.map((s) => s.error?.code)).toEqual(['invalid_grant', 'invalid_token', 'invalid_token']);
        expect(replay.events.map((e) => e.type)).toEqual(['GrantRevoked']);
        expect(stateName(replay.state)).toBe('revoked');
      }),
    );
  });

  it('P-41 / OpenID4VP §13.3: the request-object nonce is single-use, and a superseded request nonce is dead', () => {
    fc.assert(
      fc.property(arbStepTimes, later, (times, gap) => {
        const flow = new Flow('session-nonce-replay');
        const t = (i: number) => (times[i] ?? T0) + gap;
        const once = runCommands(happyPathAt(flow, times).slice(0, 3));
        expect(runCommands([flow.present(t(2))], undefined, once.state).steps[0]?.error?.code).toBe('invalid_request');
        const retried = runCommands([
          flow.start(T0),
          flow.retrieve(t(0)),
          flow.walletError(t(1)),
          flow.continue(t(2)),
          flow.retrieve(t(3), 2),
        ]);
        expect(stateName(retried.state)).toBe('requestRetrieved');
        const stale = runCommands([flow.present(t(4), 2, { nonce: flow.value('nonce', 1) })], undefined, retried.state);
        expect(stale.steps[0]?.error).toMatchObject({ code: 'invalid_request', rule: expect.stringContaining('P-41') });
        expect(runCommands([flow.present(t(4), 1)], undefined, retried.state).steps[0]?.error?.code).toBe(
          'invalid_request',
        );
      }),
    );
  });

  it('OpenID4VP §13.3: a request object is retrieved once and a wallet response is accepted once', () => {
    fc.assert(
      fc.property(
        arbStepTimes,
        fc.constantFrom('present', 'error'),
        fc.constantFrom('present', 'error'),
        (times, first, second) => {
          const flow = new Flow('session-response-replay');
          const t = (i: number) => times[i] ?? T0;
          const respond = (kind: string, at: number) => (kind === 'present' ? flow.present(at) : flow.walletError(at));
          const run = runCommands([
            flow.start(t(0)),
            flow.retrieve(t(1)),
            flow.retrieve(t(2)),
            respond(first, t(3)),
            respond(second, t(4)),
          ]);
          expect(run.steps.map((s) => s.error?.code ?? 'ok')).toEqual([
            'ok',
            'ok',
            'invalid_request',
            'ok',
            'invalid_request',
          ]);
        },
      ),
    );
  });

  it('OpenID4VCI §7.2: a c_nonce is single-use', () => {
    fc.assert(
      fc.property(arbStepTimes, later, (times, gap) => {
        const flow = new Flow('session-cnonce-replay');
        const t = (times[6] ?? T0) + gap;
        const two = ['pid_mdl', 'pid_sd_jwt'];
        const path = happyPathAt(flow, times);
        const run = runCommands([flow.start(T0, two), ...path.slice(1)]);
        expect(stateName(run.state)).toBe('tokenIssued');
        const replay = runCommands([flow.credential(t, 1, { config: 'pid_sd_jwt' })], undefined, run.state);
        expect(replay.steps[0]?.error?.code).toBe('invalid_nonce');
        const fresh = runCommands(
          [flow.nonce(t, 2), flow.credential(t + 1, 2, { config: 'pid_sd_jwt' })],
          undefined,
          run.state,
        );
        expect(stateName(fresh.state)).toBe('completed');
      }),
    );
  });
});
