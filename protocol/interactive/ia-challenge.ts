import { openSession } from '../endpoints/challenge-session.js';
import type { IssuerContext } from '../issuer-context.js';
import type { ProtocolRequest, ProtocolResponse } from '../messages.js';
import { interactionAnswer } from './interaction-answers.js';
import { BROWSER_TYPE, offeredTypes, requirePresentationType } from './interaction-types.js';

/**
 * S3's initial request at the challenge endpoint (protocol-ia.md §2.2, §3.2): the wallet must
 * offer the presentation type, else `missing_interaction_type`; the answer is S3's 401.
 */
export async function iaFirstCall(
  ctx: IssuerContext,
  request: ProtocolRequest,
  params: Map<string, string>,
  now: number,
): Promise<ProtocolResponse> {
  const offered = offeredTypes(params.get('interaction_types_supported'));
  requirePresentationType('S3', offered);
  const opened = await openSession(ctx, request, params, now, 'S3', {
    browserStepOffered: offered.includes(BROWSER_TYPE.S3),
  });
  if (!('sessionId' in opened)) return opened;
  return interactionAnswer(ctx, 'S3', opened.authSession, opened.request, opened.credentialConfigurationIds);
}
