import { dpopProof } from '../../wallet/keys.js';
import { ALL, type AttackCheck } from '../attack.js';
import { answerLine, expectRefusal, expectStatus, fail } from '../failure.js';

/** Replay of every single-use value: each is accepted once, and its second use refused. */
export const replay: AttackCheck[] = [
  {
    id: 'replay.pdis',
    requirement: 'PDI-DE (single use)',
    title: 'a pdis that earned its code is refused the second time',
    dialects: ['l'],
    run: async ({ flow }) => {
      const opened = await flow.open();
      const presented = await flow.present(opened);
      expectStatus(presented, 200, 'the presentation');
      const pdis = String(presented.body.presentation_during_issuance_session);
      expectStatus(await flow.secondChallenge(opened, pdis), 200, 'the second challenge');
      const again = await flow.secondChallenge(opened, pdis);
      expectRefusal(again, ['invalid_session', 'invalid_request'], 'the pdis sent again');
    },
  },
  {
    id: 'replay.presentation',
    requirement: 'OpenID4VP §13.3',
    title: 'an accepted presentation posted again is refused',
    dialects: ALL,
    run: async ({ flow }) => {
      const opened = await flow.open();
      expectStatus(await flow.present(opened), 200, 'the presentation');
      const again = await flow.present(opened);
      if (again.status < 400 || again.status >= 500 || typeof again.body.error !== 'string')
        fail(`the presentation posted again: expected a 4xx error, got ${answerLine(again)}`);
    },
  },
  {
    id: 'replay.request-object',
    requirement: 'OpenID4VP §13.3 (single use)',
    title: 'a request object is handed out once',
    dialects: ['l'],
    run: async ({ flow, target }) => {
      const wallet = await flow.wallet();
      const first = await wallet.challenge({ scope: target.scope });
      expectStatus(first, 400, 'the initial challenge');
      const uri = new URL(String(first.body.presentation)).searchParams.get('request_uri');
      if (!uri) fail('the presentation URI names no request_uri');
      const get = () => (target.fetch ?? fetch)(uri, { method: 'GET' });
      const once = await get();
      if (once.status !== 200) fail(`the first request object fetch: HTTP ${once.status}`);
      const twice = await get();
      if (twice.status < 400 || twice.status >= 500) fail(`the second fetch: expected a 4xx, got HTTP ${twice.status}`);
    },
  },
  {
    id: 'replay.code',
    requirement: 'RFC 6749 §4.1.2',
    title: 'a code used twice is invalid_grant and revokes the token it produced',
    dialects: ALL,
    run: async ({ flow }) => {
      const session = await flow.untilToken();
      expectRefusal(await flow.redeem(session, session.code), 'invalid_grant', 'the code redeemed again');
      const after = await flow.credential(session, session.accessToken);
      expectRefusal(after, 'invalid_token', "the credential request with the revoked grant's token");
    },
  },
  {
    id: 'replay.dpop-jti',
    requirement: 'RFC 9449 §11.1',
    title: 'a DPoP proof sent twice (the same jti) is refused the second time',
    dialects: 'any',
    run: async ({ flow, target }) => {
      const first = await flow.untilCode();
      const second = await flow.untilCode(await flow.open(first.wallet));
      const proof = await dpopProof(first.wallet.dpopKey, {
        method: 'POST',
        url: `${target.issuerUrl}/token`,
        now: Date.now(),
      });
      expectStatus(await flow.redeem(first, first.code, { headers: { DPoP: proof } }), 200, 'the token request');
      const again = await flow.redeem(second, second.code, { headers: { DPoP: proof } });
      expectRefusal(again, 'invalid_dpop_proof', 'the same proof on the next token request');
    },
  },
  {
    id: 'replay.c-nonce',
    requirement: 'OpenID4VCI §13.8',
    title: 'a c_nonce that got a credential is refused on another grant',
    dialects: 'any',
    run: async ({ flow }) => {
      const a = await flow.untilToken();
      const b = await flow.untilToken();
      const cNonce = await a.wallet.nonce();
      expectStatus(await flow.credential(a, a.accessToken, cNonce), 200, 'the first credential');
      expectRefusal(await flow.credential(b, b.accessToken, cNonce), 'invalid_nonce', 'the c_nonce used again');
    },
  },
];
