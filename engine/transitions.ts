import type { SessionContext } from './context.js';
import type { EventType, SessionEvent } from './events.js';
import { GUARDS, sessionMachine, type StateName } from './machine.js';

interface Candidate {
  readonly target: StateName;
  readonly guard?: keyof typeof GUARDS;
}

/**
 * The machine's transitions as a plain table, read once from its definition: per state, per
 * event type, the candidate targets in order. Folding through it costs a lookup per event,
 * where XState's `transition()` builds an actor per call (`bench:engine` has both); a
 * property test checks that both give the same state and context for every decided log.
 */
const TABLE: Readonly<Record<StateName, Readonly<Partial<Record<EventType, readonly Candidate[]>>>>> = Object.freeze(
  Object.fromEntries(
    Object.entries(sessionMachine.states).map(([name, node]) => [
      name,
      Object.freeze(
        Object.fromEntries(
          [...node.transitions].map(([type, definitions]) => [
            type,
            definitions.map((definition) => {
              const target = definition.target?.[0]?.key;
              if (target === undefined || definition.target?.length !== 1)
                throw new Error(`${name} on ${type}: every transition has one target`);
              const guard = definition.guard;
              if (guard !== undefined && (typeof guard !== 'string' || !(guard in GUARDS)))
                throw new Error(`${name} on ${type}: unknown guard`);
              return { target, ...(guard !== undefined && { guard }) } as Candidate;
            }),
          ]),
        ),
      ),
    ]),
  ) as unknown as Record<StateName, Partial<Record<EventType, readonly Candidate[]>>>,
);

/** Does this state have a transition for the event type (the machine's structure, no rule asked)? */
export function handledIn(state: StateName, type: EventType): boolean {
  return TABLE[state][type] !== undefined;
}

/** The state an event leads to from `state`, or undefined when the machine has no transition for its type. */
export function targetOf(state: StateName, context: SessionContext, event: SessionEvent): StateName | undefined {
  const candidates = TABLE[state][event.type];
  return candidates?.find((c) => c.guard === undefined || GUARDS[c.guard](context, event))?.target;
}
