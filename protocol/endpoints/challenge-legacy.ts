import { InvalidRequest, type NewPresentationRequest } from '../../engine/index.js';
import { hashSecret } from '../handles.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import { errorResponse, jsonResponse, type ProtocolResponse } from '../messages.js';
import { presentationUri } from '../openid4vp/request-object.js';
import { continueChallenge, type FollowUp, type FollowUpAnswers, recordWalletError } from './challenge-follow-up.js';

/** Seed 000 step 5: 400 `insufficient_authorization` with the auth_session and the `openid4vp://` presentation URI. */
export function legacyInteraction(
  ctx: IssuerContext,
  authSession: string,
  request: Pick<NewPresentationRequest, 'requestId' | 'verifierClientId'>,
): ProtocolResponse {
  const presentation = presentationUri(
    request.verifierClientId,
    endpoints(ctx.config).requestObject(request.requestId),
  );
  return jsonResponse(400, {
    error: 'insufficient_authorization',
    error_description: 'present the requested credential',
    auth_session: authSession,
    presentation,
  });
}

/**
 * Seed 000 step 10, in L: with the pdis the code; with `error` the wallet's refusal (issue 13
 * §7), then the retry policy; with neither the policy once the presentation failed or timed
 * out, else the pending presentation re-signalled with the same auth_session.
 */
export async function legacyFollowUp(
  ctx: IssuerContext,
  f: FollowUp,
  params: Map<string, string>,
): Promise<ProtocolResponse> {
  const answers: FollowUpAnswers = {
    code: (code) => jsonResponse(200, { authorization_code: code }),
    interaction: (authSession, request) => legacyInteraction(ctx, authSession, request),
    pending: () => legacyInteraction(ctx, f.authSession, f.session.request),
  };
  // Issue 13 §1: one carrier per dialect; an S1/S2/S3 presentation never advances an L session.
  if (params.has('openid4vp_response'))
    throw new InvalidRequest('openid4vp_response is not part of this flow', 'issue 13 §1 (one carrier per dialect)');
  const pdis = params.get('presentation_during_issuance_session');
  const error = params.get('error');
  if (error !== undefined && pdis === undefined && f.session.walletError === undefined) {
    const refused = await recordWalletError(ctx, f, error, params.get('error_description'));
    if (refused) return errorResponse(refused);
  }
  return continueChallenge(
    ctx,
    f,
    { endpoint: 'challenge', ...(pdis !== undefined && { pdisHash: hashSecret(pdis) }) },
    answers,
  );
}
