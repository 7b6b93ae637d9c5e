import { InvalidRequest, type EngineError } from './errors.js';
import type { EventType, SessionEvent } from './events.js';
import { EXPIRY, type StateName } from './machine.js';
import { checkEvent } from './rules.js';
import { advance, INITIAL_STATE, contextOf, stateName, type SessionState } from './state.js';

/** One stored event that today's rules would refuse: where it is, and the refusal. */
export interface Finding {
  version: number;
  type: EventType;
  error: EngineError;
}

/** Only a deadline that can end the current state expires it (`EXPIRY`). */
function expiryListed(state: StateName, event: SessionEvent): EngineError | undefined {
  if (event.type !== 'Expired') return undefined;
  const kinds: readonly string[] = EXPIRY[state as keyof typeof EXPIRY] ?? [];
  return kinds.includes(event.data.deadline)
    ? undefined
    : new InvalidRequest('this deadline does not end the current state', 'engine: expiry');
}

function judge(state: SessionState, event: SessionEvent): EngineError | undefined {
  return checkEvent(contextOf(state), event) ?? expiryListed(stateName(state), event);
}

/**
 * Re-judges a stored log by today's rules, for the property tests, the fuzzer and an admin
 * check: every event is folded as `fold` does (a stored event is a fact), and each one the
 * rules would refuse now is reported. An event type its state has no transition for throws
 * `CorruptStream`, as in `fold`.
 */
export function audit(events: readonly SessionEvent[]): Finding[] {
  const findings: Finding[] = [];
  let state = INITIAL_STATE;
  for (const event of events) {
    const error = judge(state, event);
    if (error) findings.push({ version: state.version + 1, type: event.type, error });
    state = advance(state, event);
  }
  return findings;
}
