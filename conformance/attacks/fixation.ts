import { ALL, type AttackCheck, INTERACTIVE } from '../attack.js';
import { expectRefusal, expectStatus } from '../failure.js';

/** Session fixation (seed 002 P-20; FiPA §5.1): what one session earned never advances another. */
export const fixation: AttackCheck[] = [
  {
    id: 'fixation.pdis-other-session',
    requirement: 'P-20',
    title: "a pdis of session A, sent with session B's auth_session, is refused",
    dialects: ['l'],
    run: async ({ flow }) => {
      const alice = await flow.open();
      const mallory = await flow.open();
      const theirs = await flow.present(alice);
      expectStatus(theirs, 200, "A's presentation");
      // B has presented too, so only the binding of the pdis to its session can refuse it.
      expectStatus(await flow.present(mallory), 200, "B's presentation");
      const relayed = await flow.secondChallenge(mallory, String(theirs.body.presentation_during_issuance_session));
      expectRefusal(relayed, 'invalid_request', "B's second challenge with A's pdis");
    },
  },
  {
    id: 'fixation.presentation-other-session',
    requirement: 'P-20',
    title: 'a presentation made for session B, carried in a follow-up of session A, is refused',
    dialects: INTERACTIVE,
    run: async ({ flow }) => {
      const alice = await flow.open();
      const mallory = await flow.open();
      const foreign = await mallory.wallet.responsePayload(mallory.request, { audience: mallory.steps!.audience });
      const fixed = await alice.steps!.followUp(alice.authSession, { openid4vp_response: JSON.stringify(foreign) });
      expectRefusal(fixed, 'invalid_request', "A's follow-up with B's presentation");
    },
  },
  {
    id: 'fixation.other-client',
    requirement: 'FiPA §5.1',
    title: 'a follow-up naming another client_id is refused',
    dialects: ALL,
    run: async ({ flow }) => {
      const opened = await flow.open();
      const other = { client_id: 'another-client' };
      if (!opened.steps) {
        const answer = await opened.wallet.challenge({ auth_session: opened.authSession, ...other });
        return expectRefusal(answer, 'invalid_client', 'the follow-up with another client_id');
      }
      // With the presentation it asked for, so only the client can be the reason to refuse.
      const payload = await opened.wallet.responsePayload(opened.request, { audience: opened.steps.audience });
      const answer = await opened.steps.followUp(opened.authSession, {
        ...other,
        openid4vp_response: JSON.stringify(payload),
      });
      expectRefusal(answer, 'invalid_client', 'the follow-up with another client_id');
    },
  },
  {
    id: 'fixation.cross-dialect',
    requirement: 'issue 13 §2',
    title: "a follow-up of another dialect's kind never advances the session",
    dialects: ALL,
    run: async ({ flow }) => {
      const opened = await flow.open();
      const presented = { audience: opened.steps?.audience ?? opened.request.clientId };
      if (flow.dialect === 'l') {
        // S3's carrier (openid4vp_response) on an L session, at the same endpoint.
        const carried = await flow.steps(opened.wallet, 's3')!.respond(opened.authSession, opened.request, presented);
        return expectRefusal(carried, ['invalid_request', 'invalid_session'], 'an S3 follow-up on an L session');
      }
      if (flow.dialect === 's3') {
        // L's carrier (a pdis) on an S3 session.
        const pdis = await opened.wallet.challenge({
          auth_session: opened.authSession,
          presentation_during_issuance_session: `${opened.authSession.split('.')[0]}.${'A'.repeat(43)}`,
        });
        return expectRefusal(pdis, ['invalid_request', 'invalid_session'], 'an L follow-up on an S3 session');
      }
      // The IAE's session at the challenge endpoint, with a presentation valid for it.
      const other = await flow.steps(opened.wallet, 's3')!.respond(opened.authSession, opened.request, presented);
      expectRefusal(other, 'invalid_session', `an S3 follow-up on an ${flow.dialect.toUpperCase()} session`);
    },
  },
];
