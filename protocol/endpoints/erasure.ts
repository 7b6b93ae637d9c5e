import { InvalidRequest } from '../../engine/index.js';
import { audit, refuseNonAdmin } from './admin-auth.js';
import type { IssuerContext } from '../issuer-context.js';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../messages.js';

const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

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
  sessionId: string,
): Promise<ProtocolResponse> {
  const refused = refuseNonAdmin(ctx, request, 'erase');
  if (refused) return refused;
  if (!SESSION_ID.test(sessionId)) throw new InvalidRequest('not a session id', 'admin API');
  const state = await ctx.engine.load(sessionId, { fresh: true });
  if (state.version === 0) {
    audit(ctx, { action: 'refused', endpoint: 'erase', reason: 'unknown_session' });
    return jsonResponse(404, { error: 'invalid_request', error_description: 'no such session' });
  }
  // A session that already ended (expired, denied, ...) records no event; its key is destroyed all the same.
  await ctx.engine.execute({ type: 'Erase', eventId: ctx.ids.eventId(), sessionId, at: ctx.now() });
  await ctx.sealer.erase(sessionId);
  audit(ctx, { action: 'session_erased', endpoint: 'erase', sessionId });
  return jsonResponse(200, { erased: sessionId });
}
