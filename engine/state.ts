import { EMPTY_CONTEXT, type SessionContext } from './context.js';
import { deadlineAt, type Deadline } from './deadlines.js';
import type { EventType, SessionEvent } from './events.js';
import { evolve } from './evolve.js';
import { EXPIRY, sessionMachine, type StateName } from './machine.js';
import { handledIn, targetOf } from './transitions.js';

/** Where the machine is: its state value and the folded facts. */
export interface SessionSnapshot {
  readonly value: StateName;
  readonly context: SessionContext;
}

/** A session as the engine sees it: the machine's snapshot and the stream version it reflects. */
export interface SessionState {
  readonly snapshot: SessionSnapshot;
  readonly version: number;
  /** Ids of the events in the stream, to answer an idempotent retry without a second append. */
  readonly eventIds: ReadonlySet<string>;
}

/** A stored log the machine's structure cannot explain (an event type its state has no transition for). */
export class CorruptStream extends Error {
  constructor(
    readonly sessionId: string,
    readonly version: number,
    readonly eventType: string,
  ) {
    super(`stream ${sessionId}: event ${version} (${eventType}) is not explained by the machine`);
  }
}

export const INITIAL_STATE: SessionState = {
  snapshot: { value: sessionMachine.config.initial as StateName, context: EMPTY_CONTEXT },
  version: 0,
  eventIds: new Set(),
};

export function stateName(state: SessionState): StateName {
  return state.snapshot.value;
}

export function contextOf(state: SessionState): SessionContext {
  return state.snapshot.context;
}

/** The event types the current state has a transition for. */
export function handles(state: SessionState, type: EventType): boolean {
  return handledIn(stateName(state), type);
}

/** evolve(snapshot, event): total for every event type the state takes; no rule is asked (they ran in `decide`). */
export function evolveSnapshot(snapshot: SessionSnapshot, event: SessionEvent): SessionSnapshot | undefined {
  const value = targetOf(snapshot.value, snapshot.context, event);
  return value === undefined ? undefined : { value, context: evolve(snapshot.context, event) };
}

/** The state after one decided event (its type is one the state takes). */
export function advance(state: SessionState, event: SessionEvent): SessionState {
  const snapshot = evolveSnapshot(state.snapshot, event);
  if (!snapshot) throw new CorruptStream(event.meta.sessionId, state.version + 1, event.type);
  return { snapshot, version: state.version + 1, eventIds: new Set(state.eventIds).add(event.meta.id) };
}

/**
 * fold(evolve, initial, events): the state a stored log explains. A stored event is a fact:
 * it applies whatever today's rules say (`audit` re-judges a log). Only an event whose type
 * the state has no transition for makes the stream corrupt.
 */
export function fold(events: readonly SessionEvent[], from: SessionState = INITIAL_STATE): SessionState {
  let snapshot = from.snapshot;
  const ids = new Set(from.eventIds);
  for (const [i, event] of events.entries()) {
    const next = evolveSnapshot(snapshot, event);
    if (!next) throw new CorruptStream(event.meta.sessionId, from.version + i + 1, event.type);
    ids.add(event.meta.id);
    snapshot = next;
  }
  return { snapshot, version: from.version + events.length, eventIds: ids };
}

/** The deadline that ends the current state, for the expiry scheduler; null when none can. */
export function nextDeadline(state: SessionState): { deadline: Deadline; at: number } | null {
  const name = stateName(state);
  if (!(name in EXPIRY)) return null;
  const kinds: readonly Deadline[] = EXPIRY[name as keyof typeof EXPIRY];
  const context = contextOf(state);
  let best: { deadline: Deadline; at: number } | null = null;
  for (const deadline of kinds) {
    const at = deadlineAt(context, deadline);
    if (!best || at < best.at) best = { deadline, at };
  }
  return best;
}
