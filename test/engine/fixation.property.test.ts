import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextOf, stateName, type Command, type SessionEvent } from '../../engine/index.js';
import { Flow, T0, arbSession, arbStepTimes, happyPathAt } from '../../testing/arbitraries.js';
import { runCommands } from '../../testing/run.js';

/** Seed 002 P-20 (no third party interferes with issuance) and FiPA §9.6 (auth_session binding). */
describe('fixation', () => {
  it('P-20: no value minted for session A ever advances session B', () => {
    fc.assert(
      fc.property(
        arbStepTimes,
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        (times, progressB, stepA, pick) => {
          const a = new Flow('session-A-fixation');
          const b = new Flow('session-B-fixation');
          const sessionB = runCommands(happyPathAt(b, times).slice(0, progressB)).state;
          const fromA = happyPathAt(a, times)[stepA] as Command;
          const relayed = {
            ...fromA,
            sessionId: b.sessionId,
            eventId: b.eventId(),
            at: (times[6] ?? T0) + (pick % 1000),
          };
          const { steps, state } = runCommands([relayed], undefined, sessionB);
          expect(steps[0]?.error).toBeDefined();
          expect(state).toBe(sessionB);
        },
      ),
    );
  });

  it('P-20 / PDI-DE: a pdis is only ever minted by a verified presentation of the current request, and redeemed only as minted', () => {
    fc.assert(
      fc.property(arbSession('session-pdis-order'), (commands) => {
        const { events } = runCommands(commands);
        let request = { requestId: '', nonce: '', verifier: '', retrieved: false };
        let minted: string | undefined;
        for (const event of events) {
          if (event.type === 'ChallengeReceived' || event.type === 'PresentationRequested')
            request = {
              requestId: event.data.request.requestId,
              nonce: event.data.request.nonce,
              verifier: event.data.request.verifierClientId,
              retrieved: false,
            };
          if (event.type === 'RequestObjectRetrieved') request.retrieved = true;
          if (event.type === 'PresentationVerified') {
            expect(request.retrieved).toBe(true);
            expect([event.data.requestId, event.data.kbNonce, event.data.kbAud]).toEqual([
              request.requestId,
              request.nonce,
              request.verifier,
            ]);
            minted = event.data.pdis?.hash;
          }
          if (event.type === 'AuthorizationCodeIssued') {
            expect(event.data.pdisHash).toBe(minted);
            minted = undefined;
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  const keyedSteps = (flow: Flow, times: number[], key: { dpop?: string; attestation?: string }) => {
    const t = (i: number) => (times[i] ?? T0) + 1;
    const caller = {
      ...flow.caller(),
      ...(key.dpop && { dpopJkt: key.dpop }),
      ...(key.attestation && { attestationJkt: key.attestation }),
    };
    const path = happyPathAt(flow, times);
    const atStep = (step: number): Command => {
      switch (step) {
        case 3:
          return flow.continue(t(2), { pdis: flow.value('pdis'), caller });
        case 4: {
          const redeem = flow.redeem(t(3), key.dpop ? { dpop: key.dpop } : {});
          return key.attestation ? { ...redeem, attestationJkt: key.attestation } : redeem;
        }
        case 5:
          return flow.nonce(t(4), 1, key.dpop ? { dpop: key.dpop } : {});
        default:
          return flow.credential(t(5), 1, key.dpop ? { dpop: key.dpop } : {});
      }
    };
    return { path, atStep };
  };

  it('FiPA §9.6.1: a DPoP key other than the one that opened the session is refused at every later step', () => {
    fc.assert(
      fc.property(arbStepTimes, fc.integer({ min: 3, max: 6 }), (times, step) => {
        const flow = new Flow('session-dpop-switch');
        const { path, atStep } = keyedSteps(flow, times, { dpop: 'attacker-dpop-thumbprint-0001' });
        const before = runCommands(path.slice(0, step)).state;
        const { steps, state } = runCommands([atStep(step)], undefined, before);
        expect(steps[0]?.error?.code).toBe('invalid_dpop_proof');
        expect(state).toBe(before);
      }),
    );
  });

  it('ABCA / seed 000 step 4: a wallet attestation other than the one that opened the session is refused at every later step', () => {
    fc.assert(
      fc.property(arbStepTimes, fc.integer({ min: 3, max: 4 }), fc.boolean(), (times, step, omit) => {
        const flow = new Flow('session-attest-switch', {
          dpop: 'd'.repeat(43),
          attestation: 'a'.repeat(43),
          holder: 'h'.repeat(43),
        });
        const { path, atStep } = keyedSteps(flow, times, { attestation: 'attacker-attestation-000001' });
        const before = runCommands(path.slice(0, step)).state;
        let command = atStep(step);
        if (omit) {
          if (command.type === 'ContinueChallenge')
            command = {
              ...command,
              caller: { authSessionHash: command.caller.authSessionHash, dpopJkt: command.caller.dpopJkt },
            };
          if (command.type === 'RedeemCode') command = { ...command, attestationJkt: undefined };
        }
        const { steps, state } = runCommands([command], undefined, before);
        expect(steps[0]?.error?.code).toBe('invalid_client');
        expect(state).toBe(before);
      }),
    );
  });

  it('FiPA §9.6.1: the retry after a wallet error is refused with another DPoP key', () => {
    const flow = new Flow('session-retry-dpop');
    const before = runCommands([flow.start(T0), flow.retrieve(T0 + 1), flow.walletError(T0 + 2)]).state;
    const { steps, state } = runCommands(
      [flow.continue(T0 + 3, { caller: { ...flow.caller(), dpopJkt: 'attacker-dpop-thumbprint-0001' } })],
      undefined,
      before,
    );
    expect(steps[0]?.error?.code).toBe('invalid_dpop_proof');
    expect(stateName(state)).toBe('walletErrored');
    expect(contextOf(state).dpopJkt).toBe(flow.keys.dpop);
  });

  it('every refusal leaves the session unchanged', () => {
    fc.assert(
      fc.property(arbSession('session-refusals-01'), (commands) => {
        const seen: SessionEvent[] = [];
        let state = runCommands([]).state;
        for (const command of commands) {
          const result = runCommands([command], undefined, state);
          const step = result.steps[0];
          if (step?.error && !step.event) expect(result.state).toBe(state);
          seen.push(...result.events);
          state = result.state;
        }
        expect(state.version).toBe(seen.length);
      }),
      { numRuns: 200 },
    );
  });
});
