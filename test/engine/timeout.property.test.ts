import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextOf, nextDeadline, stateName, type Command, type EngineConfig } from '../../engine/index.js';
import { engineConfig } from '../../testing/engine-config.js';
import { Flow, SECOND, T0, arbSession } from '../../testing/arbitraries.js';
import { runCommands } from '../../testing/run.js';

const MINUTE = 60 * SECOND;
const arbLifetimes = fc.record({
  session: fc.integer({ min: 10 * SECOND, max: 30 * MINUTE }),
  request: fc.integer({ min: 10 * SECOND, max: 10 * MINUTE }),
  pdis: fc.integer({ min: 10 * SECOND, max: 10 * MINUTE }),
  code: fc.integer({ min: 10 * SECOND, max: 10 * MINUTE }),
  token: fc.integer({ min: 10 * SECOND, max: 30 * MINUTE }),
  cNonce: fc.integer({ min: 10 * SECOND, max: 10 * MINUTE }),
});
const lateness = fc.integer({ min: 0, max: 60 * MINUTE });

type Artefact = keyof EngineConfig['lifetimes'];

/**
 * Each case: the steps before the artefact exists (one second apart from T0), the
 * time the artefact was made, and the late command that uses it.
 */
function lateUse(flow: Flow, artefact: Artefact, at: number): { before: Command[]; madeAt: number; late: Command } {
  const s = (i: number) => T0 + i * SECOND;
  const path = flow.happyPath(T0);
  switch (artefact) {
    case 'session':
      return {
        before: [flow.start(s(0)), flow.retrieve(s(1)), flow.walletError(s(2))],
        madeAt: s(0),
        late: flow.continue(at),
      };
    case 'request':
      return { before: path.slice(0, 1), madeAt: s(0), late: flow.retrieve(at) };
    case 'pdis':
      return { before: path.slice(0, 3), madeAt: s(2), late: flow.continue(at, { pdis: flow.value('pdis') }) };
    case 'code':
      return { before: path.slice(0, 4), madeAt: s(3), late: flow.redeem(at) };
    case 'token':
      return { before: path.slice(0, 5), madeAt: s(4), late: flow.nonce(at, 2) };
    case 'cNonce':
      return { before: path.slice(0, 6), madeAt: s(5), late: flow.credential(at) };
  }
}

/** Nothing is accepted past its deadline (FiPA §9.6.2, RFC 6749 §4.1.2, OpenID4VCI §7.2, OpenID4VP §13.3). */
describe('timeout', () => {
  for (const artefact of ['session', 'request', 'pdis', 'code', 'token', 'cNonce'] as const) {
    it(`nothing is accepted past the ${artefact} deadline`, () => {
      fc.assert(
        fc.property(arbLifetimes, lateness, (lifetimes, late) => {
          // Deadlines of the artefacts made before this one are far away, so only this one can end it.
          const far = 24 * 60 * MINUTE;
          const config = engineConfig({
            lifetimes: {
              session: far,
              request: far,
              pdis: far,
              code: far,
              token: far,
              cNonce: far,
              [artefact]: lifetimes[artefact],
            },
          });
          const flow = new Flow(`session-timeout-${artefact}`);
          const probe = lateUse(flow, artefact, 0);
          const deadline = probe.madeAt + lifetimes[artefact];
          const { before, late: command } = lateUse(new Flow(`session-timeout-${artefact}`), artefact, deadline + late);
          const ready = runCommands(before, config);
          expect(ready.steps.every((step) => !step.error)).toBe(true);
          const result = runCommands([command], config, ready.state);
          expect(result.steps[0]?.error).toBeDefined();
          expect(result.state).toBe(ready.state);
        }),
        { numRuns: 50 },
      );
    });
  }

  it('the same uses just before their deadlines are accepted (the timeout tests can fail)', () => {
    for (const artefact of ['session', 'request', 'pdis', 'code', 'token', 'cNonce'] as const) {
      const config = engineConfig();
      const probe = lateUse(new Flow(`session-intime-${artefact}`), artefact, 0);
      const deadline = probe.madeAt + config.lifetimes[artefact];
      const { before, late } = lateUse(
        new Flow(`session-intime-${artefact}`),
        artefact,
        Math.max(deadline - 1, T0 + 7 * SECOND),
      );
      const result = runCommands([...before, late], config);
      expect(
        result.steps.map((s) => s.error?.code ?? 'ok'),
        artefact,
      ).not.toContain('invalid_request');
      expect(
        result.steps.every((s) => !s.error),
        artefact,
      ).toBe(true);
    }
  });

  it('time never runs backwards inside a stream: an earlier command is refused, and accepted logs are ordered', () => {
    fc.assert(
      fc.property(arbSession('session-monotonic-1'), (commands) => {
        const { events, steps } = runCommands(commands);
        for (let i = 1; i < events.length; i++)
          expect(events[i]!.meta.at).toBeGreaterThanOrEqual(events[i - 1]!.meta.at);
        let lastAt = 0;
        for (const step of steps) {
          if (step.command.at < lastAt) expect(step.error, 'a command dated before the newest event').toBeDefined();
          if (step.event) lastAt = step.event.meta.at;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the scheduler expiry is a recorded fact: Expired is accepted only once the current deadline passed', () => {
    fc.assert(
      fc.property(arbSession('session-expiry-fact'), fc.integer({ min: 0, max: 40 * MINUTE }), (commands, wait) => {
        const { state } = runCommands(commands);
        const at = contextOf(state).lastAt + wait;
        const flow = new Flow('session-expiry-fact');
        const result = runCommands([flow.expire(at)], undefined, state);
        const due = nextDeadline(state);
        if (due && at >= due.at) {
          expect(stateName(result.state)).toBe('expired');
        } else {
          expect(result.steps[0]?.error).toBeDefined();
          expect(result.state).toBe(state);
        }
      }),
      { numRuns: 200 },
    );
  });
});
