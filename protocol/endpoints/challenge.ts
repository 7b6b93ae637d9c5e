import type { IssuerContext } from '../issuer-context.js';
import { carriedFollowUp } from '../interactive/carried-follow-up.js';
import { iaFirstCall } from '../interactive/ia-challenge.js';
import { challengeDialect } from '../interactive/interaction-types.js';
import { readForm, type ProtocolRequest, type ProtocolResponse } from '../messages.js';
import { readFollowUp, requireOwnEndpoint } from './challenge-follow-up.js';
import { legacyFollowUp, legacyInteraction } from './challenge-legacy.js';
import { openSession } from './challenge-session.js';

async function legacyFirstCall(
  ctx: IssuerContext,
  request: ProtocolRequest,
  params: Map<string, string>,
  now: number,
): Promise<ProtocolResponse> {
  const opened = await openSession(ctx, request, params, now, 'L');
  return 'sessionId' in opened ? legacyInteraction(ctx, opened.authSession, opened.request) : opened;
}

/**
 * POST /authorize-challenge (FiPA §5; seed 000 steps 4 and 10; protocol-ia.md §11): it serves
 * the seed's flow L and, when enabled, S3. An initial request offering `urn:openid:dcp:ia:*`
 * interaction types starts S3, any other L; a follow-up goes by its session's dialect (one of
 * S1/S2 is refused: their follow-ups belong to the IAE).
 */
export async function handleChallenge(ctx: IssuerContext, request: ProtocolRequest): Promise<ProtocolResponse> {
  const params = readForm(request);
  const now = ctx.now();
  if (!params.has('auth_session')) {
    const s3 = ctx.config.interactiveAuthorization.challengeEndpoint && challengeDialect(params) === 'S3';
    return s3 ? iaFirstCall(ctx, request, params, now) : legacyFirstCall(ctx, request, params, now);
  }
  const followUp = await readFollowUp(ctx, request, params, now);
  requireOwnEndpoint(followUp, 'challenge');
  return followUp.session.dialect === 'S3'
    ? carriedFollowUp(ctx, followUp, params, 'S3')
    : legacyFollowUp(ctx, followUp, params);
}
