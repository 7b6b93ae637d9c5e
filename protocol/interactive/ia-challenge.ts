import type { NewPresentationRequest } from '../../engine/index.js';
import { InvalidRequest } from '../../engine/index.js';
import { continueChallenge, type FollowUp, recordWalletError } from '../endpoints/challenge-follow-up.js';
import { openSession } from '../endpoints/challenge-session.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import {
  dpopChallenge,
  errorResponse,
  jsonResponse,
  type ProtocolRequest,
  type ProtocolResponse,
} from '../messages.js';
import { pidQuery, pidRequirements } from '../openid4vp/pid-requirements.js';
import { buildRequestByValue } from '../openid4vp/request-by-value.js';
import { PID_QUERY_ID } from '../openid4vp/request-object.js';
import { parseCarriedResponse } from '../openid4vp/carried-response.js';
import { verifyPidPresentation } from '../openid4vp/verify-pid.js';
import { offeredTypes, PRESENTATION_TYPE, requirePresentationType } from './interaction-types.js';

/**
 * S3, Interactive Authorization as a profile of First-Party Apps (protocol-ia.md §3.2): HTTP 401
 * `insufficient_authorization` with `interaction_type_required`, a new `auth_session`, and the
 * OpenID4VP request by value, answered to this same endpoint with `ia_post`. RFC 9110 §15.5.2
 * wants a challenge on a 401: the DPoP one, naming the error, since the session is DPoP-bound.
 */
async function iaInteraction(
  ctx: IssuerContext,
  authSession: string,
  request: Pick<NewPresentationRequest, 'requestId' | 'nonce'>,
  credentialConfigurationIds: string[],
): Promise<ProtocolResponse> {
  const now = ctx.now();
  const needed = pidRequirements(ctx.config.credentialConfigurations, credentialConfigurationIds);
  const { openid4vpRequest } = await buildRequestByValue({
    keys: ctx.keys,
    dialect: 'S3',
    clientIdPrefix: ctx.config.verifier.clientIdPrefix,
    endpointUrl: endpoints(ctx.config).challenge,
    nonce: request.nonce,
    responseMode: ctx.config.verifier.responseMode,
    dcqlQuery: pidQuery(needed),
    now,
    lifetimeSeconds: ctx.config.lifetimes.request,
    requestId: request.requestId,
  });
  return jsonResponse(
    401,
    {
      error: 'insufficient_authorization',
      error_description: 'present the requested credential',
      interaction_type_required: PRESENTATION_TYPE.S3,
      auth_session: authSession,
      openid4vp_request: openid4vpRequest,
    },
    { 'WWW-Authenticate': dpopChallenge('insufficient_authorization') },
  );
}

/** S3's initial request (protocol-ia.md §2.2): the wallet must offer the presentation type, else `missing_interaction_type`. */
export async function iaFirstCall(
  ctx: IssuerContext,
  request: ProtocolRequest,
  params: Map<string, string>,
  now: number,
): Promise<ProtocolResponse> {
  requirePresentationType('S3', offeredTypes(params.get('interaction_types_supported')));
  const opened = await openSession(ctx, request, params, now, 'S3');
  if (!('sessionId' in opened)) return opened;
  return iaInteraction(ctx, opened.authSession, opened.request, opened.credentialConfigurationIds);
}

/**
 * S3's intermediate request (protocol-ia.md §2.3): the most recent auth_session with the
 * `openid4vp_response` it was asked for. A presentation, verified as every dialect's is, earns
 * `200 {authorization_code}` (FiPA §5.2.1); the wallet's error asks the retry policy.
 */
export async function iaFollowUp(ctx: IssuerContext, f: FollowUp, params: Map<string, string>) {
  const ids = f.session.credentialConfigurationIds;
  const answers = {
    code: (code: string) => jsonResponse(200, { authorization_code: code }),
    interaction: (authSession: string, next: NewPresentationRequest) => iaInteraction(ctx, authSession, next, ids),
    pending: () => {
      throw new InvalidRequest('openid4vp_response is required', 'OpenID4VCI 1.1 IA (protocol-ia.md §2.3)');
    },
  };
  const raw = params.get('openid4vp_response');
  if (raw === undefined) return continueChallenge(ctx, f, { endpoint: 'challenge' }, answers);
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
    return continueChallenge(ctx, f, { endpoint: 'challenge' }, answers);
  }
  const presented = response.presentations[PID_QUERY_ID];
  if (presented?.length !== 1) throw new InvalidRequest('exactly one presentation is expected', 'OpenID4VP §8.1');
  const verified = await verifyPidPresentation(ctx, f.session, presented[0]!, f.now);
  return continueChallenge(ctx, f, { endpoint: 'challenge', presentation: { requestId, ...verified } }, answers);
}
