import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { INITIAL_STATE, sessionMachine, type SessionEvent } from '../../engine/index.js';
import { evolveSnapshot } from '../../engine/state.js';
import { arbSession } from '../../testing/arbitraries.js';
import { runCommands } from '../../testing/run.js';

describe('the transition table derived from the machine', () => {
  it("leads every decided event, and every foreign one, where XState's transition() leads it, with the same context", () => {
    fc.assert(
      fc.property(arbSession('session-table-check-1'), arbSession('session-table-check-2'), (commands, others) => {
        const events: SessionEvent[] = runCommands(commands).events;
        const foreign: SessionEvent[] = runCommands(others).events;
        let snapshot = INITIAL_STATE.snapshot;
        let [reference] = initialTransition(sessionMachine);
        expect(reference.value).toBe(snapshot.value);
        for (const event of [...events, ...foreign]) {
          const next = evolveSnapshot(snapshot, event);
          const [after] = transition(sessionMachine, reference, event);
          expect(next === undefined).toBe(after === reference);
          if (!next) continue;
          expect(next.value).toEqual(after.value);
          expect(next.context).toEqual(after.context);
          snapshot = next;
          reference = after;
        }
      }),
      { numRuns: 200 },
    );
  });
});
