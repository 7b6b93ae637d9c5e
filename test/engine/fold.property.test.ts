import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INITIAL_STATE, audit, contextOf, fold, stateName, type SessionEvent } from '../../engine/index.js';
import { handles } from '../../engine/state.js';
import { checkEvent } from '../../engine/rules.js';
import { arbSession } from '../../testing/arbitraries.js';
import { runCommands } from '../../testing/run.js';

/** Events of several decided sessions, all moved into one stream: facts from anywhere, in any order. */
const arbPool = fc
  .tuple(arbSession('session-pool-a'), arbSession('session-pool-b'), arbSession('session-pool-c'))
  .map((sessions) => sessions.flatMap((commands) => runCommands(commands).events));

/**
 * A well-formed sequence: each event's type is one the state reached so far has a transition
 * for (the machine's structure), whatever its facts, its time or its session say.
 */
function wellFormed(pool: SessionEvent[], picks: number[]): SessionEvent[] {
  const events: SessionEvent[] = [];
  let state = INITIAL_STATE;
  for (const pick of picks) {
    const fitting = pool.filter((event) => handles(state, event.type));
    if (fitting.length === 0) break;
    const event = fitting[pick % fitting.length]!;
    events.push(event);
    state = fold([event], state);
  }
  return events;
}

describe('fold is total: a stored event is a fact and always applies', () => {
  it('every log decide produced folds to the state decide reached', () => {
    fc.assert(
      fc.property(arbSession('session-total-1'), (commands) => {
        const { events, state } = runCommands(commands);
        const folded = fold(events);
        expect(folded.version).toBe(events.length);
        expect(stateName(folded)).toBe(stateName(state));
        expect(contextOf(folded)).toEqual(contextOf(state));
        expect(audit(events)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('folding never throws on a well-formed event sequence, whatever rules its facts break; audit names each event the rules refuse', () => {
    fc.assert(
      fc.property(arbPool, fc.array(fc.nat(), { maxLength: 14 }), (pool, picks) => {
        const events = wellFormed(pool, picks);
        const folded = fold(events);
        expect(folded.version).toBe(events.length);
        const refused: number[] = [];
        let state = INITIAL_STATE;
        for (const [i, event] of events.entries()) {
          if (checkEvent(contextOf(state), event)) refused.push(i + 1);
          state = fold([event], state);
        }
        expect(audit(events).map((finding) => finding.version)).toEqual(expect.arrayContaining(refused));
      }),
      { numRuns: 300 },
    );
  });

  it("audit flags a log that today's rules refuse while fold still applies it (P-20 fixation, time, P-41, RFC 6749 §5.2)", () => {
    const tamper: Array<(e: SessionEvent) => SessionEvent | undefined> = [
      // P-20 fixation: an event of another session
      (e) => (e.type === 'ChallengeReceived' ? undefined : { ...e, meta: { ...e.meta, sessionId: 'session-other-1' } }),
      // engine: monotonic time
      (e) => (e.type === 'ChallengeReceived' ? undefined : { ...e, meta: { ...e.meta, at: e.meta.at - 3_600_000 } }),
      // P-41: a key-binding JWT nonce of another request
      (e) => (e.type === 'PresentationVerified' ? { ...e, data: { ...e.data, kbNonce: 'n'.repeat(43) } } : undefined),
      // RFC 6749 §5.2: a code the session never issued
      (e) => (e.type === 'TokenIssued' ? { ...e, data: { ...e.data, codeHash: 'c'.repeat(43) } } : undefined),
    ];
    fc.assert(
      fc.property(arbSession('session-audit-1'), fc.nat(), fc.nat(tamper.length - 1), (commands, pick, kind) => {
        const { events } = runCommands(commands);
        const candidates = events.flatMap((e, i) => {
          const changed = tamper[kind]!(e);
          return changed ? [{ i, changed }] : [];
        });
        fc.pre(candidates.length > 0);
        const { i, changed } = candidates[pick % candidates.length]!;
        const log = events.map((e, j) => (j === i ? changed : e));
        const folded = fold(log);
        expect(folded.version).toBe(log.length);
        expect(stateName(folded)).toBe(stateName(fold(events)));
        const findings = audit(log);
        expect(findings[0]?.version).toBe(i + 1);
        expect(findings[0]?.type).toBe(changed.type);
      }),
      { numRuns: 300 },
    );
  });
});
