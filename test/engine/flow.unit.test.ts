import { describe, expect, it } from 'vitest';
import { contextOf, fold, stateName } from '../../engine/index.js';
import { engineConfig } from '../../testing/engine-config.js';
import { Flow, SECOND, T0 } from '../../testing/flow.js';
import { lastOutcome, runCommands } from '../../testing/run.js';

describe('the seed flow, given / when / then', () => {
  it('runs challenge → presentation → code → token → c_nonce → credential to completed', () => {
    const flow = new Flow('session-happy-0001');
    const { state, events, steps } = runCommands(flow.happyPath(T0));
    expect(steps.map((s) => s.error?.code ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(events.map((e) => e.type)).toEqual([
      'ChallengeReceived',
      'RequestObjectRetrieved',
      'PresentationVerified',
      'AuthorizationCodeIssued',
      'TokenIssued',
      'CNonceBound',
      'CredentialIssued',
    ]);
    expect(stateName(state)).toBe('completed');
    expect(fold(events).snapshot.context).toEqual(state.snapshot.context);
  });

  it('re-signals a pending presentation without an event, then a wallet error leads to a new request with a rotated auth_session', () => {
    const flow = new Flow('session-retry-0001');
    const { state, steps } = runCommands([
      flow.start(T0),
      flow.continue(T0 + SECOND),
      flow.retrieve(T0 + 2 * SECOND),
      flow.walletError(T0 + 3 * SECOND),
      flow.continue(T0 + 4 * SECOND),
    ]);
    expect(steps[1]).toMatchObject({ event: null });
    expect(steps[4]?.event?.type).toBe('PresentationRequested');
    expect(stateName(state)).toBe('presentationRequired');
    expect(contextOf(state).authSessionHash).toBe(flow.value('auth_session', 2));
    const old = runCommands([flow.continue(T0 + 5 * SECOND, { round: 1 })], engineConfig(), state);
    expect(lastOutcome(old.steps)).toBe('invalid_session');
  });

  it('after a wallet error, the new request is pending: a re-signal appends nothing and spends no attempt (found by the model test)', () => {
    const flow = new Flow('session-retry-0002');
    const { state, steps } = runCommands([
      flow.start(T0),
      flow.retrieve(T0 + SECOND),
      flow.walletError(T0 + 2 * SECOND),
      flow.continue(T0 + 3 * SECOND),
      flow.continue(T0 + 4 * SECOND, { round: 2 }),
      flow.retrieve(T0 + 5 * SECOND, 2),
    ]);
    expect(steps[4]).toMatchObject({ event: null });
    expect(steps[5]?.event?.type).toBe('RequestObjectRetrieved');
    expect(contextOf(state).walletError).toBeUndefined();
    expect(contextOf(state).presentationAttempts).toBe(2);
  });

  it('PDI-DE single use: the pdis hash leaves the session once the code is issued', () => {
    const flow = new Flow('session-pdis-00001');
    const { state } = runCommands(flow.happyPath(T0).slice(0, 4));
    expect(stateName(state)).toBe('codeIssued');
    expect(contextOf(state).pdis).toBeUndefined();
  });

  it('denies once the presentation attempts are exhausted, whatever the policy says', () => {
    const flow = new Flow('session-deny-00001');
    const config = engineConfig({ maxPresentationAttempts: 1, onRetry: () => 'new_request' });
    const { state, events } = runCommands(
      [flow.start(T0), flow.retrieve(T0 + SECOND), flow.walletError(T0 + 2 * SECOND), flow.continue(T0 + 3 * SECOND)],
      config,
    );
    expect(events.at(-1)).toMatchObject({ type: 'Denied', data: { reason: 'attempts_exhausted' } });
    expect(stateName(state)).toBe('denied');
  });

  it('redirects to web when the policy says so', () => {
    const flow = new Flow('session-redirect-01');
    const { state } = runCommands(
      [flow.start(T0), flow.retrieve(T0 + SECOND), flow.walletError(T0 + 2 * SECOND), flow.continue(T0 + 3 * SECOND)],
      engineConfig({ onRetry: () => 'redirect_to_web' }),
    );
    expect(stateName(state)).toBe('redirectedToWeb');
  });

  it('expires a session whose auth_session deadline passed, and only then', () => {
    const flow = new Flow('session-expire-001');
    const early = runCommands([flow.start(T0), flow.expire(T0 + 60 * SECOND)]);
    expect(lastOutcome(early.steps)).toBe('invalid_request');
    const late = runCommands([flow.expire(T0 + 600 * SECOND)], engineConfig(), early.state);
    expect(stateName(late.state)).toBe('expired');
  });
});
