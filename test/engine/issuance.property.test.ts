import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold, stateName, type IssueCredential } from '../../engine/index.js';
import { engineConfig } from '../../testing/engine-config.js';
import { Flow, SECOND, T0 } from '../../testing/flow.js';
import { runCommands } from '../../testing/run.js';

const GRANTED = ['card_a', 'card_b'];

/** A credential request with `proofs` key proofs, each for its own holder key. */
function request(flow: Flow, at: number, n: number, config: string, proofs: number): IssueCredential {
  const base = flow.credential(at, n, { config });
  return {
    ...base,
    holderJkts: Array.from({ length: proofs }, (_, i) => flow.value(`holder-${i}`, n)),
    credentialDigests: Array.from({ length: proofs }, (_, i) => flow.value(`credential-${i}`, n)),
  };
}

/** A grant of two configurations up to its token, then the given credential requests, each with a fresh c_nonce. */
function grantThen(batchSize: number | undefined, requests: Array<{ config: string; proofs: number }>) {
  const flow = new Flow('session-issuance-01');
  const config = engineConfig(batchSize === undefined ? {} : { batchSize });
  const t = (i: number) => T0 + (10 + 2 * i) * SECOND;
  const upToToken = flow.happyPath(T0).slice(0, 5);
  upToToken[0] = flow.start(T0, GRANTED);
  const commands = [
    ...upToToken,
    ...requests.flatMap((r, i) => [flow.nonce(t(i), i + 1), request(flow, t(i) + 1, i + 1, r.config, r.proofs)]),
  ];
  return { ...runCommands(commands, config), flow };
}

describe('issuance per grant (I-40, OpenID4VCI §8.2, §12.2.4)', () => {
  it('I-40, OpenID4VCI §8.2, §12.2.4: every granted configuration is issued at most once, from at most batch_size proofs (one without batch issuance)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 2, max: 16 }), { nil: undefined }),
        fc.array(
          fc.record({ config: fc.constantFrom(...GRANTED, 'not_granted'), proofs: fc.integer({ min: 1, max: 16 }) }),
          { minLength: 1, maxLength: 8 },
        ),
        (batchSize, requests) => {
          const { events, steps, state } = grantThen(batchSize, requests);
          const issued = events.filter((e) => e.type === 'CredentialIssued');
          const perConfig = new Map<string, number>();
          for (const e of issued)
            perConfig.set(e.data.credentialConfigurationId, (perConfig.get(e.data.credentialConfigurationId) ?? 0) + 1);
          expect([...perConfig.values()].every((count) => count === 1)).toBe(true);
          expect(
            issued.every(
              (e) => GRANTED.includes(e.data.credentialConfigurationId) && e.data.holderJkts.length <= (batchSize ?? 1),
            ),
          ).toBe(true);
          // The model: a request is granted exactly when its configuration is granted, not yet issued, and within the batch size.
          const seen = new Set<string>();
          const credentialSteps = steps.filter((s) => s.command.type === 'IssueCredential');
          credentialSteps.forEach((s, i) => {
            const { config, proofs } = requests[i]!;
            const expected = GRANTED.includes(config) && !seen.has(config) && proofs <= (batchSize ?? 1);
            if (seen.size === GRANTED.length) expect(s.error?.code).toBe('credential_request_denied');
            else expect(s.error === undefined, `${config} × ${proofs}: ${s.error?.code}`).toBe(expected);
            if (expected) seen.add(config);
          });
          expect(stateName(state)).toBe(seen.size === GRANTED.length ? 'completed' : 'tokenIssued');
          // The machine alone, folding the stored log, agrees (its guards run the same rules).
          expect(fold(events).snapshot.context).toEqual(state.snapshot.context);
        },
      ),
    );
  });

  it('OpenID4VCI §8.3.1.2, I-40: a second request for an issued configuration is credential_request_denied; eight proofs without batch issuance are invalid_credential_request', () => {
    const { steps } = grantThen(undefined, [
      { config: 'card_a', proofs: 8 },
      { config: 'card_a', proofs: 1 },
      { config: 'card_a', proofs: 1 },
      { config: 'card_b', proofs: 1 },
      { config: 'card_b', proofs: 1 },
    ]);
    expect(steps.filter((s) => s.command.type === 'IssueCredential').map((s) => s.error?.code ?? 'ok')).toEqual([
      'invalid_credential_request',
      'ok',
      'credential_request_denied',
      'ok',
      'credential_request_denied',
    ]);
  });

  it('OpenID4VCI §12.2.4: the batch_size in force is recorded with the session, so a later configuration change does not change a stored grant', () => {
    const { events } = grantThen(4, [{ config: 'card_a', proofs: 4 }]);
    expect(events[0]).toMatchObject({ type: 'ChallengeReceived', data: { policy: { batchSize: 4 } } });
    const issued = events.at(-1);
    expect(issued?.type === 'CredentialIssued' && issued.data.holderJkts).toHaveLength(4);
    const refolded = fold(events);
    expect(refolded.snapshot.context.batchSize).toBe(4);
  });
});
