import fc from 'fast-check';
import { isLeft } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import {
  FINAL_STATES,
  contextOf,
  credentialClaims,
  currentRequest,
  decide,
  identifierAllowed,
  stateName,
  type Command,
  type SessionState,
} from '../../engine/index.js';
import { engineConfig } from '../../testing/engine-config.js';
import { arbSession, Flow, SECOND, T0 } from '../../testing/arbitraries.js';
import { runCommands } from '../../testing/run.js';

/** Rules that were checked by the protocol handlers before this release, now decided by the engine. */
const config = engineConfig();

const codeOf = (state: SessionState, command: Command) => {
  const decision = decide(state, command, config);
  return isLeft(decision) ? decision.left.error.code : 'ok';
};
const ruleOf = (state: SessionState, command: Command) => {
  const decision = decide(state, command, config);
  return isLeft(decision) ? decision.left.error.rule : undefined;
};

/** Any state an arbitrary session reaches, and the time of its last step. */
const arbReached = (sessionId: string) =>
  arbSession(sessionId).chain((commands) =>
    fc.nat(commands.length - 1).map((n) => {
      const prefix = commands.slice(0, n + 1);
      return { state: runCommands(prefix, config).state, at: Math.max(...prefix.map((c) => c.at)) };
    }),
  );

describe('rules moved from the protocol handlers into decide, refused with the same error codes', () => {
  it('FiPA §5.1; RFC 6749 §3.2.1: a client_id other than the session’s is invalid_client at the challenge and token endpoints; the session’s own changes nothing', () => {
    const flow = new Flow('session-client-1');
    fc.assert(
      fc.property(
        arbReached('session-client-1'),
        fc.string({ minLength: 1, maxLength: 12 }),
        ({ state, at }, other) => {
          fc.pre(other !== 'wallet');
          const live = state.version > 0 && !(FINAL_STATES as readonly string[]).includes(stateName(state));
          for (const command of [flow.continue(at + SECOND), flow.redeem(at + SECOND)]) {
            const without = codeOf(state, command);
            expect(codeOf(state, { ...command, clientId: 'wallet' })).toBe(without);
            expect(codeOf(state, { ...command, clientId: other })).toBe(live ? 'invalid_client' : without);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('OpenID4VCI §8.2: credential_identifier on a token issued without authorization_details is invalid_credential_request; with them it changes nothing', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 1, max: 7 }), (details, steps) => {
        const flow = new Flow('session-identifier-1');
        const [start, ...rest] = flow.happyPath(T0);
        const commands = [{ ...start!, ...(details && { authorizationDetails: true }) }, ...rest].slice(0, steps);
        const { state } = runCommands(commands, config);
        const request = flow.credential(T0 + 10 * SECOND);
        const without = codeOf(state, request);
        expect(codeOf(state, { ...request, byIdentifier: true })).toBe(
          details ? without : 'invalid_credential_request',
        );
        expect(identifierAllowed(contextOf(state), true)?.code ?? 'ok').toBe(
          details ? 'ok' : 'invalid_credential_request',
        );
      }),
      { numRuns: 50 },
    );
  });

  it('P-40: a response to or fetch of a superseded presentation request is invalid_request, the same refusal the verifier asks for before verifying', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 * SECOND }), fc.nat(2), (gap, which) => {
        const flow = new Flow('session-superseded-1');
        const { state } = runCommands([
          flow.start(T0),
          flow.retrieve(T0 + SECOND),
          flow.walletError(T0 + 2 * SECOND),
          flow.continue(T0 + 3 * SECOND, { round: 1 }),
        ]);
        expect(stateName(state)).toBe('presentationRequired');
        const at = T0 + 3 * SECOND + gap;
        const stale = [flow.retrieve(at, 1), flow.present(at, 1), flow.walletError(at, 1)][which]!;
        const early = currentRequest(contextOf(state), flow.value('request', 1));
        expect(early?.code).toBe('invalid_request');
        if (stale.type !== 'RetrieveRequestObject') {
          const retrieved = runCommands([flow.retrieve(at, 2)], config, state).state;
          expect(codeOf(retrieved, stale)).toBe(early?.code);
          expect(ruleOf(retrieved, stale)).toBe('P-40');
        } else {
          expect(codeOf(state, stale)).toBe(early?.code);
          expect(ruleOf(state, stale)).toBe('P-40');
        }
        expect(currentRequest(contextOf(state), flow.value('request', 2))).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });

  it('I-20: a credential carries only mapped claims the presentation has, and only those the wallet asked for when it named any', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[a-z]{1,6}$/)),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.option(fc.string(), { nil: undefined })),
        fc.option(fc.array(fc.stringMatching(/^[a-z]{1,6}$/)), { nil: undefined }),
        (mapping, presented, requested) => {
          const flow = new Flow('session-claims-1');
          const start = { ...flow.start(T0), ...(requested?.length && { claimSubsets: { pid_mdl: requested } }) };
          const session = contextOf(runCommands([start], config).state);
          const claims = credentialClaims(session, 'pid_mdl', mapping, presented);
          for (const [target, value] of Object.entries(claims)) {
            expect(value).toBe(presented[mapping[target]!]);
            expect(value).toBeDefined();
            if (requested?.length) expect(requested).toContain(target);
          }
          for (const [target, source] of Object.entries(mapping))
            if (presented[source] !== undefined && (!requested?.length || requested.includes(target)))
              expect(Object.hasOwn(claims, target)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
