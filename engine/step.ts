import { createActor, type ActorScope, type AnyActorRef } from 'xstate';
import type { SessionEvent } from './events.js';
import { sessionMachine } from './machine.js';
import type { SessionSnapshot } from './state.js';

/**
 * `transition(machine, snapshot, event)` without its per-call cost: XState's pure
 * `transition()` builds a whole inert actor (and runs the machine's initial state) on
 * every call only to have a scope to pass. The session machine spawns no actors, emits
 * nothing and its only actions are `assign`, so one inert scope built once serves every
 * call; the result is the same snapshot (checked against `transition()` by a property test).
 */
const self = createActor(sessionMachine) as unknown as AnyActorRef;
const inertScope = {
  self,
  defer: () => undefined,
  id: '',
  logger: () => undefined,
  sessionId: '',
  stopChild: () => undefined,
  system: self.system,
  emit: () => undefined,
  actionExecutor: () => undefined,
} as unknown as ActorScope<SessionSnapshot, SessionEvent>;

export function step(snapshot: SessionSnapshot, event: SessionEvent): SessionSnapshot {
  return sessionMachine.transition(snapshot, event, inertScope as never) as SessionSnapshot;
}
