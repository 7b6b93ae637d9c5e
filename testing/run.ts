import { isLeft } from 'fp-ts/lib/Either.js';
import {
  decide,
  INITIAL_STATE,
  type Command,
  type EngineConfig,
  type EngineError,
  type SessionEvent,
  type SessionState,
} from '../engine/index.js';
import { engineConfig } from './engine-config.js';

export interface Step {
  command: Command;
  error?: EngineError;
  event?: SessionEvent | null;
}

/** Decide every command in order on one in-memory state (no store): the pure engine. */
export function runCommands(
  commands: Command[],
  config: EngineConfig = engineConfig(),
  from: SessionState = INITIAL_STATE,
) {
  let state = from;
  const events: SessionEvent[] = [];
  const steps: Step[] = [];
  for (const command of commands) {
    const decision = decide(state, command, config);
    if (isLeft(decision)) {
      const { error, effect } = decision.left;
      if (effect) {
        state = effect.state;
        events.push(effect.event);
      }
      steps.push({ command, error, ...(effect && { event: effect.event }) });
    } else {
      state = decision.right.state;
      if (decision.right.event) events.push(decision.right.event);
      steps.push({ command, event: decision.right.event });
    }
  }
  return { state, events, steps };
}

/** The error code of the last step, or 'ok'. */
export function lastOutcome(steps: Step[]): string {
  const last = steps.at(-1);
  return last?.error ? last.error.code : 'ok';
}
