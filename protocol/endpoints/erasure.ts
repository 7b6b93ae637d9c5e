import { audit, refuseNonAdmin } from './admin-auth.js';
import { adminSessionId, unknownSession } from './admin-session.js';
import type { IssuerContext } from '../issuer-context.js';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../messages.js';

/**
 * POST /admin/erase/<sessionId> (admin bearer token), seed 002 §3.3: a live session ends
 * (`Erased`, so later requests get the protocol's errors for an ended session), then its
 * sealing key is destroyed, so the personal data sealed in its log and the pseudonyms that
 * could link it to the person's other sessions can never be read or recomputed again; the
 * log itself stays intact and still folds (crypto-shredding). An unknown session is 404.
 */
export async function handleErase(
  ctx: IssuerContext,
  request: ProtocolRequest,
  param: string,
): Promise<ProtocolResponse> {
  const refused = refuseNonAdmin(ctx, request, 'erase');
  if (refused) return refused;
  const sessionId = adminSessionId(param);
  const state = await ctx.engine.load(sessionId, { fresh: true });
  if (state.version === 0) return unknownSession(ctx, 'erase');
  // A session that already ended (expired, denied, ...) records no event; its key is destroyed all the same.
  await ctx.engine.execute({ type: 'Erase', eventId: ctx.ids.eventId(), sessionId, at: ctx.now() });
  await ctx.sealer.erase(sessionId);
  audit(ctx, { action: 'session_erased', endpoint: 'erase', sessionId });
  return jsonResponse(200, { erased: sessionId });
}
