import { openSession } from '../endpoints/challenge-session.js';
import type { IssuerContext } from '../issuer-context.js';
import type { ProtocolRequest, ProtocolResponse } from '../messages.js';
import { openedAnswer } from './interaction-answers.js';
import { BROWSER_TYPE, chosenInteraction, offeredTypes } from './interaction-types.js';

/**
 * S3's initial request at the challenge endpoint (protocol-ia.md §2.2, §3.2): the wallet must
 * offer the presentation type, or the browser step alone (issue 15), else `missing_interaction_type`;
 * the answer is S3's 401.
 */
export async function iaFirstCall(
  ctx: IssuerContext,
  request: ProtocolRequest,
  params: Map<string, string>,
  now: number,
): Promise<ProtocolResponse> {
  const offered = offeredTypes(params.get('interaction_types_supported'));
  const opened = await openSession(ctx, request, params, now, 'S3', {
    browserStepOffered: offered.includes(BROWSER_TYPE.S3),
    browserOnly: chosenInteraction('S3', offered) === 'browser',
  });
  if (!('sessionId' in opened)) return opened;
  return openedAnswer(ctx, 'S3', opened);
}
