import { readFollowUp, requireOwnEndpoint } from '../endpoints/challenge-follow-up.js';
import { openSession } from '../endpoints/challenge-session.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import { readForm, type ProtocolRequest, type ProtocolResponse } from '../messages.js';
import { carriedFollowUp } from './carried-follow-up.js';
import { openedAnswer } from './interaction-answers.js';
import { BROWSER_TYPE, chosenInteraction, offeredTypes, PRESENTATION_TYPE } from './interaction-types.js';

/** protocol-ia.md §11: at the IAE the wallet's spelling decides, and is answered in kind: URN types S2, bare ones S1. */
function iaeDialect(offered: string[]): 'S1' | 'S2' {
  return offered.includes(PRESENTATION_TYPE.S2) || offered.includes(BROWSER_TYPE.S2) ? 'S2' : 'S1';
}

/**
 * POST <publicUrl>/iae/interactive-authorization: the Interactive Authorization Endpoint of S1
 * and S2 (protocol-ia.md §2, §3.1), routed only when `interactiveAuthorization.iae.enabled`, and
 * advertised only in the metadata of the second issuer identifier `<publicUrl>/iae`, so that
 * L wallets, which switch to the IAE wherever it is advertised, keep the main identifier.
 */
export async function handleInteractiveAuthorization(
  ctx: IssuerContext,
  request: ProtocolRequest,
): Promise<ProtocolResponse> {
  const params = readForm(request);
  const now = ctx.now();
  const url = endpoints(ctx.config).iae;
  if (params.has('auth_session')) {
    const followUp = await readFollowUp(ctx, request, params, now, url);
    requireOwnEndpoint(followUp, 'iae');
    return carriedFollowUp(ctx, followUp, params, followUp.session.dialect as 'S1' | 'S2');
  }
  const offered = offeredTypes(params.get('interaction_types_supported'));
  const dialect = iaeDialect(offered);
  const opened = await openSession(ctx, request, params, now, dialect, {
    url,
    browserStepOffered: offered.includes(BROWSER_TYPE[dialect]),
    browserOnly: chosenInteraction(dialect, offered) === 'browser',
  });
  if (!('sessionId' in opened)) return opened;
  return openedAnswer(ctx, dialect, opened);
}
