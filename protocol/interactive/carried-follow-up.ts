import { followUpEndpoint, InvalidRequest } from '../../engine/index.js';
import { continueChallenge, type FollowUp, recordWalletError } from '../endpoints/challenge-follow-up.js';
import type { IssuerContext } from '../issuer-context.js';
import { errorResponse, type ProtocolResponse } from '../messages.js';
import { parseCarriedResponse } from '../openid4vp/carried-response.js';
import { PID_QUERY_ID } from '../openid4vp/request-object.js';
import { verifyPidPresentation } from '../openid4vp/verify-pid.js';
import { browserAnswer, codeAnswer, interactionAnswer } from './interaction-answers.js';
import type { InteractiveDialect } from './interaction-types.js';

/**
 * The follow-up of S1/S2/S3 (protocol-ia.md §2.3): the most recent auth_session with the
 * `openid4vp_response` it was asked for. A presentation, verified as every dialect's is, earns
 * the code at once; the wallet's error asks the retry policy; nothing else is taken while the
 * presentation is pending.
 */
export async function carriedFollowUp(
  ctx: IssuerContext,
  f: FollowUp,
  params: Map<string, string>,
  dialect: InteractiveDialect,
): Promise<ProtocolResponse> {
  const endpoint = followUpEndpoint(dialect);
  const ids = f.session.credentialConfigurationIds;
  const answers = {
    code: (code: string) => codeAnswer(dialect, code),
    interaction: (authSession: string, next: { requestId: string; nonce: string }) =>
      interactionAnswer(ctx, dialect, authSession, next, ids),
    pending: () => {
      throw new InvalidRequest('openid4vp_response is required', 'OpenID4VCI 1.1 IA (protocol-ia.md §2.3)');
    },
    browser: (authSession: string, requestUri: string, expiresIn: number) =>
      browserAnswer(dialect, authSession, requestUri, expiresIn),
  };
  const raw = params.get('openid4vp_response');
  if (raw === undefined) return continueChallenge(ctx, f, { endpoint }, answers);
  const { requestId } = f.session.request;
  const response = await parseCarriedResponse(raw, {
    keys: ctx.keys,
    requestId,
    expectedQueryIds: [PID_QUERY_ID],
    responseMode: ctx.config.verifier.responseMode,
  });
  if (response.kind === 'error') {
    const refused =
      f.session.walletError === undefined &&
      (await recordWalletError(ctx, f, response.error, response.errorDescription));
    if (refused) return errorResponse(refused);
    return continueChallenge(ctx, f, { endpoint }, answers);
  }
  const presented = response.presentations[PID_QUERY_ID];
  if (presented?.length !== 1) throw new InvalidRequest('exactly one presentation is expected', 'OpenID4VP §8.1');
  const verified = await verifyPidPresentation(ctx, f.session, presented[0]!, f.now);
  return continueChallenge(ctx, f, { endpoint, presentation: { requestId, ...verified } }, answers);
}
