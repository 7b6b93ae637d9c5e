import { isLeft } from 'fp-ts/lib/Either.js';
import { getAdjacencyMap } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import { decide, sessionMachine, type Command, type SessionEvent, type SessionState } from '../../engine/index.js';
import { engineConfig } from '../../testing/engine-config.js';
import type { SessionSnapshot } from '../../engine/state.js';
import { Flow, SECOND, T0 } from '../../testing/flow.js';

const HOUR = 3600 * SECOND;
/** Decide under each policy, so every policy outcome is explored. */
const CONFIGS = [
  engineConfig(),
  engineConfig({ onRetry: () => 'redirect_to_web' }),
  engineConfig({ onRetry: () => 'access_denied' }),
  engineConfig({ maxPresentationAttempts: 1 }),
];

/** Every command a wallet or the scheduler could send next, dated after the snapshot's newest event. */
function candidates(flow: Flow, interactive: Flow, t: number): Command[] {
  const rounds = [1, 2, 3];
  return [
    flow.start(T0),
    flow.start(T0, ['pid_mdl', 'pid_sd_jwt']),
    ...rounds.flatMap((r) => [
      flow.retrieve(t + 1, r),
      flow.present(t + 1, r),
      flow.walletError(t + 1, r),
      flow.continue(t + 1, { round: r }),
      flow.continue(t + 6 * 60 * SECOND, { round: r }),
      flow.continue(t + 1, { round: r, pdis: flow.value('pdis', r) }),
      flow.walletErrorInFollowUp(t + 1, r),
      interactive.continue(t + 1, { round: r, presentation: interactive.carried(r) }),
      interactive.walletErrorInFollowUp(t + 1, r),
      interactive.continue(t + 1, { round: r }),
      interactive.continue(t + 6 * 60 * SECOND, { round: r }),
      interactive.startBrowserStep(t + 1, r),
      interactive.retrieve(t + 1, r),
      interactive.present(t + 1, r),
      interactive.walletError(t + 1, r),
    ]),
    interactive.completeBrowserStep(t + 1),
    interactive.completeBrowserStep(t + 6 * 60 * SECOND),
    interactive.start(T0),
    interactive.start(T0, ['pid_mdl'], { browserStep: true }),
    interactive.start(T0, ['pid_mdl'], { browserOnly: true }),
    interactive.startBrowserStep(t + 1, 0),
    flow.redeem(t + 1),
    flow.nonce(t + 1),
    flow.credential(t + 1),
    flow.credential(t + 1, 1, { config: 'pid_sd_jwt' }),
    flow.expire(t + HOUR),
    flow.erase(t + 1),
  ];
}

/** The events the engine would accept next: what `xstate/graph` explores from each snapshot. */
function nextEvents(snapshot: SessionSnapshot): SessionEvent[] {
  const state: SessionState = { snapshot, version: 0, eventIds: new Set() };
  const flow = new Flow('session-coverage-01');
  // The same session id, opened in S3 instead (issue 13): its commands only fit an S3 session's context.
  const interactive = new Flow('session-coverage-01', undefined, 'S3');
  const events: SessionEvent[] = [];
  for (const config of CONFIGS)
    for (const command of candidates(flow, interactive, Math.max(snapshot.context.lastAt, T0))) {
      const decision = decide(state, command, config);
      const event = isLeft(decision) ? decision.left.effect?.event : decision.right.event;
      if (event) events.push(event);
    }
  return events;
}

/**
 * Transitions that exist only so that folding stays total (a stored event is a fact): the engine
 * never decides them, because a rule refuses the facts first. An L presentation before its
 * request object was fetched is one (`presentationCarrier`); a browser step after a fetched
 * request object is another (only L fetches one, and L has no browser step).
 */
const FOLD_ONLY = [
  'presentationRequired:PresentationVerified→presentationVerified',
  'requestRetrieved:BrowserStepOffered→browserStep',
];

/** Every transition the machine declares, as `source:EventType→target`. */
function declaredTransitions(): Set<string> {
  const declared = new Set<string>();
  for (const [name, node] of Object.entries(sessionMachine.states))
    for (const [type, transitions] of node.transitions)
      for (const transition of transitions)
        for (const target of transition.target ?? []) declared.add(`${name}:${type}→${target.key}`);
  return declared;
}

describe('coverage of the machine (xstate/graph)', () => {
  const adjacency = getAdjacencyMap(sessionMachine, {
    events: nextEvents,
    serializeState: (s) => {
      const c = s.context;
      return JSON.stringify([
        s.value,
        c.dialect,
        c.browserStepOffered,
        c.browser !== undefined,
        c.presentationAttempts,
        c.credentialConfigurationIds.length,
        Object.keys(c.issued).length,
        Object.keys(c.cNonces).length,
      ]);
    },
    serializeEvent: (e) => JSON.stringify(e),
    limit: 5000,
  });
  const reached = new Set<string>();
  const reachedStates = new Set<string>();
  for (const { state, transitions } of Object.values(adjacency)) {
    reachedStates.add(String(state.value));
    for (const { event, state: next } of Object.values(transitions) as Array<{
      event: SessionEvent;
      state: SessionSnapshot;
    }>) {
      reached.add(`${String(state.value)}:${event.type}→${String(next.value)}`);
      reachedStates.add(String(next.value));
    }
  }

  it('reaches every state of the machine', () => {
    expect([...reachedStates].sort()).toEqual(Object.keys(sessionMachine.states).sort());
  });

  it('takes every declared transition with an event the engine itself decided', () => {
    const declared = declaredTransitions();
    expect(declared.size).toBeGreaterThan(20);
    expect([...declared].filter((t) => !reached.has(t) && !FOLD_ONLY.includes(t))).toEqual([]);
  });
});
