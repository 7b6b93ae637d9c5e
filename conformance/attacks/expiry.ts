import { setTimeout as sleep } from 'node:timers/promises';
import type { AttackCheck } from '../attack.js';
import { expectRefusal, skip } from '../failure.js';

/**
 * Expired artefacts, where the target says how long they live and the run may wait that long
 * (`maxWaitSeconds`); otherwise the check is skipped with the lifetime it saw.
 */
export const expiry: AttackCheck[] = [
  {
    id: 'expiry.access-token',
    requirement: 'RFC 6750 §3.1; OpenID4VCI §8.2',
    title: 'an access token used after its expires_in is invalid_token',
    dialects: 'any',
    run: async ({ flow, target }) => {
      const session = await flow.untilToken();
      const wait = target.maxWaitSeconds ?? 0;
      if (!Number.isFinite(session.expiresIn)) skip('the token answer has no expires_in');
      if (session.expiresIn + 1 > wait)
        skip(`the access token lives ${session.expiresIn} s, longer than --max-wait ${wait} s`);
      const cNonce = await session.wallet.nonce();
      await sleep((session.expiresIn + 1) * 1000);
      const answer = await flow.credential(session, session.accessToken, cNonce);
      expectRefusal(answer, ['invalid_token', 'invalid_nonce'], 'the credential request with the expired token');
    },
  },
];
