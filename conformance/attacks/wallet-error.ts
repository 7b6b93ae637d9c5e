import { ALL, type AttackCheck } from '../attack.js';
import { answerLine, expectRefusal, expectStatus, fail } from '../failure.js';

/** What a target may answer after the wallet's error (seed 000; issue 13 §7): a new request, the browser, or denial. */
const L_AFTER_ERROR = ['insufficient_authorization', 'access_denied', 'redirect_to_web'];

/**
 * The wallet answers with an error instead of a presentation (OpenID4VP §8.5): the target asks
 * again under a new auth_session or ends the session, and never continues the old auth_session.
 */
export const walletError: AttackCheck[] = [
  {
    id: 'wallet-error.old-auth-session',
    requirement: 'issue 13 §7; FiPA §5.2.2',
    title: "after the wallet's error, the old auth_session is refused",
    dialects: ALL,
    run: async ({ flow }) => {
      const opened = await flow.open();
      const refused = await flow.present(opened, { error: 'access_denied' });
      let retry = refused;
      if (!opened.steps) {
        expectStatus(refused, 200, "the wallet's error at the response_uri");
        retry = await opened.wallet.challenge({ auth_session: opened.authSession });
        expectRefusal(retry, L_AFTER_ERROR, 'the retry after the error');
      } else if (retry.status !== opened.steps.interactionStatus) {
        expectRefusal(retry, 'access_denied', "the answer to the wallet's error");
      }
      const rotated = retry.body.auth_session;
      if (rotated === opened.authSession) fail(`the new interaction kept the old auth_session: ${answerLine(retry)}`);
      if (retry.body.error === 'redirect_to_web') return;
      // The honest presentation under the old auth_session: the session it named is over or rotated.
      const stale = opened.steps
        ? await flow.present(opened)
        : await opened.wallet.challenge({ auth_session: opened.authSession });
      expectRefusal(stale, ['invalid_session', 'access_denied'], 'the old auth_session after the error');
    },
  },
];
