import { initialTransition, type SnapshotFrom } from 'xstate';
import type { SessionContext } from './context.js';
import type { EventType, SessionEvent } from './events.js';
import { EXPIRY, sessionMachine, type StateName } from './machine.js';
import { deadlineAt, type Deadline } from './rules.js';
import { step } from './step.js';

export type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;

/** A session as the engine sees it: the machine's snapshot and the stream version it reflects. */
export interface SessionState {
  readonly snapshot: SessionSnapshot;
  readonly version: number;
  /** Ids of the events in the stream, to answer an idempotent retry without a second append. */
  readonly eventIds: ReadonlySet<string>;
}

export class CorruptStream extends Error {
  constructor(
    readonly sessionId: string,
    readonly version: number,
    readonly eventType: string,
  ) {
    super(`stream ${sessionId}: event ${version} (${eventType}) is not explained by the machine`);
  }
}

const [initialSnapshot] = initialTransition(sessionMachine);

export const INITIAL_STATE: SessionState = { snapshot: initialSnapshot, version: 0, eventIds: new Set() };

export function stateName(state: SessionState): StateName {
  return state.snapshot.value as StateName;
}

export function contextOf(state: SessionState): SessionContext {
  return state.snapshot.context;
}

/** The event types the current state has a transition for, whatever the guards say. */
export function handles(state: SessionState, type: EventType): boolean {
  return HANDLED[stateName(state)].has(type);
}

const HANDLED = Object.fromEntries(
  Object.entries(sessionMachine.states).map(([name, node]) => [name, new Set<string>(node.ownEvents)]),
) as unknown as Record<StateName, ReadonlySet<string>>;

/** Try one event against the machine: the next state, or undefined when the machine refuses it. */
export function tryApply(state: SessionState, event: SessionEvent): SessionState | undefined {
  const next = step(state.snapshot, event);
  if (next === state.snapshot) return undefined;
  return { snapshot: next, version: state.version + 1, eventIds: new Set(state.eventIds).add(event.id) };
}

/** evolve for the stored log: every stored event must be accepted, or the stream is corrupt. */
export function apply(state: SessionState, event: SessionEvent): SessionState {
  const next = tryApply(state, event);
  if (!next) throw new CorruptStream(event.sessionId, state.version + 1, event.type);
  return next;
}

/** fold(transition, initial, events): the state a stored log explains. */
export function fold(events: readonly SessionEvent[], from: SessionState = INITIAL_STATE): SessionState {
  let state = from;
  const ids = new Set(from.eventIds);
  for (const event of events) {
    const next = step(state.snapshot, event);
    if (next === state.snapshot) throw new CorruptStream(event.sessionId, state.version + 1, event.type);
    ids.add(event.id);
    state = { snapshot: next, version: state.version + 1, eventIds: ids };
  }
  return state;
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
