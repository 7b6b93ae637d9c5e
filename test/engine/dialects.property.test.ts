import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Command, contextOf, type Dialect, stateName } from '../../engine/index.js';
import { arbStepTimes, happyPathAt } from '../../testing/arbitraries.js';
import { Flow, INTERACTIVE_AUDIENCE, SECOND, T0, VERIFIER } from '../../testing/flow.js';
import { engineConfig } from '../../testing/engine-config.js';
import { runCommands } from '../../testing/run.js';

const DIALECTS: Dialect[] = ['L', 'S1', 'S2', 'S3'];
const arbDialect = fc.constantFrom(...DIALECTS);

/** A session of `dialect` brought to where its presentation is awaited (L: the request object fetched). */
function awaitingPresentation(flow: Flow) {
  const commands = flow.dialect === 'L' ? [flow.start(T0), flow.retrieve(T0 + SECOND)] : [flow.start(T0)];
  return runCommands(commands).state;
}

/** Issue 13 §1: the engine's fixation, replay and carrier rules hold across the four dialects. */
describe('dialects', () => {
  it('issue 13 §1 / P-20: every dialect completes its own happy path', () => {
    fc.assert(
      fc.property(arbDialect, arbStepTimes, (dialect, times) => {
        const flow = new Flow(`session-${dialect}-happy`, undefined, dialect);
        const { steps, state } = runCommands(happyPathAt(flow, times));
        expect(steps.map((step) => step.error?.rule)).toEqual(steps.map(() => undefined));
        expect([stateName(state), contextOf(state).dialect]).toEqual(['completed', dialect]);
      }),
    );
  });

  it('issue 13 §1 / P-20: no value minted in a session of one dialect ever advances a session of another', () => {
    fc.assert(
      fc.property(
        arbDialect,
        arbDialect,
        arbStepTimes,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        (dialectA, dialectB, times, progressB, stepA) => {
          const a = new Flow(`session-A-${dialectA}`, undefined, dialectA);
          const b = new Flow(`session-B-${dialectB}`, undefined, dialectB);
          const sessionB = runCommands(happyPathAt(b, times).slice(0, progressB)).state;
          const pathA = happyPathAt(a, times);
          const fromA = pathA[stepA % pathA.length] as Command;
          const relayed = { ...fromA, sessionId: b.sessionId, eventId: b.eventId(), at: (times[6] ?? T0) + SECOND };
          const { steps, state } = runCommands([relayed], undefined, sessionB);
          expect(steps[0]?.error).toBeDefined();
          expect(state).toBe(sessionB);
        },
      ),
    );
  });

  it("issue 13 §1, §2: a follow-up of one dialect's shape is refused on a session of another, and changes nothing", () => {
    const shapes = {
      'L pdis': (f: Flow) => f.continue(T0 + 2 * SECOND, { pdis: f.value('pdis'), endpoint: 'challenge' }),
      'S3 carried presentation': (f: Flow) =>
        f.continue(T0 + 2 * SECOND, { presentation: f.carried(), endpoint: 'challenge' }),
      'S1/S2 carried presentation at the IAE': (f: Flow) =>
        f.continue(T0 + 2 * SECOND, { presentation: f.carried(), endpoint: 'iae' }),
    };
    const fits: Record<keyof typeof shapes, Dialect[]> = {
      'L pdis': [],
      'S3 carried presentation': ['S3'],
      'S1/S2 carried presentation at the IAE': ['S1', 'S2'],
    };
    fc.assert(
      fc.property(
        arbDialect,
        fc.constantFrom(...(Object.keys(shapes) as Array<keyof typeof shapes>)),
        (dialect, shape) => {
          const flow = new Flow(`session-${dialect}-shape`, undefined, dialect);
          const before = awaitingPresentation(flow);
          const { steps, state } = runCommands([shapes[shape](flow)], undefined, before);
          // An L pdis is never valid here: no presentation reached the response_uri, so even L refuses it.
          if (fits[shape].includes(dialect)) expect(stateName(state)).toBe('codeIssued');
          else {
            expect(steps[0]?.error).toBeDefined();
            expect(state).toBe(before);
          }
        },
      ),
    );
  });

  it('P-41, protocol-ia.md §4: the legacy verifier client_id is never a key-binding audience in S1/S2/S3, an iae:/ia: one never in L', () => {
    fc.assert(
      fc.property(arbDialect, fc.constantFrom(VERIFIER, ...Object.values(INTERACTIVE_AUDIENCE)), (dialect, aud) => {
        const flow = new Flow(`session-${dialect}-aud`, undefined, dialect);
        const before = awaitingPresentation(flow);
        const command =
          dialect === 'L'
            ? flow.present(T0 + 2 * SECOND, 1, { aud })
            : flow.continue(T0 + 2 * SECOND, { presentation: flow.carried(1, { aud }) });
        const { steps } = runCommands([command], undefined, before);
        const expected = dialect === 'L' || dialect === 'B' ? VERIFIER : INTERACTIVE_AUDIENCE[dialect];
        expect(steps[0]?.error === undefined).toBe(aud === expected);
      }),
    );
  });

  it('OpenID4VP §13.3: a carried presentation is accepted once; its replay is refused and changes nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom<Dialect>('S1', 'S2', 'S3'), (dialect) => {
        const flow = new Flow(`session-${dialect}-replay`, undefined, dialect);
        const once = runCommands([flow.start(T0), flow.continue(T0 + SECOND, { presentation: flow.carried() })]).state;
        const { steps, state } = runCommands(
          [flow.continue(T0 + 2 * SECOND, { presentation: flow.carried() })],
          undefined,
          once,
        );
        expect(steps[0]?.error).toBeDefined();
        expect(state).toBe(once);
      }),
    );
  });

  it('protocol-ia.md §5, FiPA §5.2.2.1.1: the browser step is offered only to a wallet that offered it with PKCE, never in L; it rotates the auth_session', () => {
    const browser = engineConfig({ onRetry: () => 'redirect_to_web' });
    fc.assert(
      fc.property(arbDialect, fc.boolean(), fc.boolean(), (dialect, offered, walletError) => {
        const flow = new Flow(`session-${dialect}-browser`, undefined, dialect);
        const opened =
          dialect === 'L'
            ? [flow.start(T0), flow.retrieve(T0 + SECOND)]
            : [flow.start(T0, undefined, { browserStep: offered })];
        const failed = walletError ? flow.walletErrorInFollowUp(T0 + 2 * SECOND) : null;
        const retry = flow.continue(walletError ? T0 + 3 * SECOND : T0 + 360 * SECOND);
        const { steps, state } = runCommands([...opened, ...(failed ? [failed] : []), retry], browser);
        const expected = dialect === 'L' ? 'redirectedToWeb' : offered ? 'browserStep' : 'denied';
        expect([steps.at(-1)?.error, stateName(state)]).toEqual([undefined, expected]);
        if (expected !== 'browserStep') return;
        expect(contextOf(state).browserStep?.hash).toBe(flow.value('request_uri'));
        const stale = runCommands([flow.continue(T0 + 361 * SECOND, { presentation: flow.carried() })], browser, state);
        expect([stale.steps[0]?.error?.code, stale.state]).toEqual(['invalid_session', state]);
      }),
    );
  });
});
