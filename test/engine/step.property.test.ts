import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { sessionMachine, type SessionEvent } from '../../engine/index.js';
import { INITIAL_STATE } from '../../engine/state.js';
import { step } from '../../engine/step.js';
import { arbSession } from '../../testing/arbitraries.js';
import { runCommands } from '../../testing/run.js';

describe('the engine step', () => {
  it("gives the same snapshot as XState's transition() for every accepted and every refused event", () => {
    fc.assert(
      fc.property(arbSession('session-step-check-1'), arbSession('session-step-check-2'), (commands, others) => {
        const events: SessionEvent[] = runCommands(commands).events;
        const foreign: SessionEvent[] = runCommands(others).events;
        let snapshot = INITIAL_STATE.snapshot;
        for (const event of [...events, ...foreign]) {
          const fast = step(snapshot, event);
          const [reference] = transition(sessionMachine, snapshot, event);
          expect(fast === snapshot).toBe(reference === snapshot);
          expect(fast.value).toEqual(reference.value);
          expect(fast.context).toEqual(reference.context);
          expect(fast.status).toBe(reference.status);
          snapshot = fast;
        }
      }),
      { numRuns: 200 },
    );
  });
});
