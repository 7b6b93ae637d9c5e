import { generateWalletKey } from '../../wallet/index.js';
import { dpopProof } from '../../wallet/keys.js';
import { ALL, type AttackCheck } from '../attack.js';
import { expectRefusal, expectStatus } from '../failure.js';

/** DPoP binding (RFC 9449; FiPA §9.6.1): the key that opened the session is the only one that continues it. */
export const dpop: AttackCheck[] = [
  {
    id: 'dpop.challenge-without-proof',
    requirement: 'FiPA §9.6.1',
    title: 'an initial request without a DPoP proof is refused',
    dialects: ALL,
    run: async ({ flow, target }) => {
      const wallet = await flow.wallet();
      const steps = flow.steps(wallet);
      const params = { scope: target.scope };
      const answer = await (steps
        ? steps.challenge(params, { dpopKey: null })
        : wallet.challenge(params, { dpopKey: null }));
      expectRefusal(answer, 'invalid_dpop_proof', 'the initial request without DPoP');
    },
  },
  {
    id: 'dpop.follow-up-other-key',
    requirement: 'FiPA §9.6.1',
    title: 'the follow-up that earns the code, signed with another DPoP key, is refused',
    dialects: ALL,
    run: async ({ flow }) => {
      const opened = await flow.open();
      const other = { dpopKey: await generateWalletKey() };
      if (opened.steps) {
        const answer = await flow.present(opened, {}, other);
        return expectRefusal(answer, 'invalid_dpop_proof', 'the follow-up with another key');
      }
      const presented = await flow.present(opened);
      expectStatus(presented, 200, 'the presentation');
      const pdis = String(presented.body.presentation_during_issuance_session);
      expectRefusal(await flow.secondChallenge(opened, pdis, other), 'invalid_dpop_proof', 'the second challenge');
    },
  },
  {
    id: 'dpop.token-other-key',
    requirement: 'RFC 9449 §10; FiPA §9.5.1',
    title: 'the token request with another DPoP key than the session is refused',
    dialects: ALL,
    run: async ({ flow }) => {
      const coded = await flow.untilCode();
      const answer = await flow.redeem(coded, coded.code, { dpopKey: await generateWalletKey() });
      expectRefusal(answer, 'invalid_dpop_proof', 'the token request with another key');
    },
  },
  {
    id: 'dpop.credential-other-key',
    requirement: 'RFC 9449 §7.1',
    title: 'the credential request with a proof of another key than the token is bound to is refused',
    dialects: ALL,
    run: async ({ flow }) => {
      const session = await flow.untilToken();
      const answer = await flow.credential(session, session.accessToken, undefined, {
        dpopKey: await generateWalletKey(),
      });
      expectRefusal(answer, ['invalid_dpop_proof', 'invalid_token'], 'the credential request with another key');
    },
  },
  {
    id: 'dpop.ath',
    requirement: 'RFC 9449 §4.3',
    title: 'a credential request whose DPoP proof hashes another access token (ath) is refused',
    dialects: 'any',
    run: async ({ flow, target }) => {
      const session = await flow.untilToken();
      const proof = await dpopProof(session.wallet.dpopKey, {
        method: 'POST',
        url: `${target.issuerUrl}/credential`,
        accessToken: `${session.accessToken}x`,
        now: Date.now(),
      });
      const answer = await flow.credential(session, session.accessToken, undefined, { headers: { DPoP: proof } });
      expectRefusal(answer, ['invalid_dpop_proof', 'invalid_token'], 'the proof with a wrong ath');
    },
  },
  {
    id: 'dpop.htm-htu',
    requirement: 'RFC 9449 §4.3',
    title: 'a token request whose DPoP proof names another method or URL is refused',
    dialects: 'any',
    run: async ({ flow, target }) => {
      const coded = await flow.untilCode();
      const key = coded.wallet.dpopKey;
      for (const [what, request] of [
        ['htm GET', { method: 'GET', url: `${target.issuerUrl}/token` }],
        ['htu of the credential endpoint', { method: 'POST', url: `${target.issuerUrl}/credential` }],
      ] as const) {
        const proof = await dpopProof(key, { ...request, now: Date.now() });
        const answer = await flow.redeem(coded, coded.code, { headers: { DPoP: proof } });
        expectRefusal(answer, 'invalid_dpop_proof', `the token request with ${what}`);
      }
    },
  },
];
