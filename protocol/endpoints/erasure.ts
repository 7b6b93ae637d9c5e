import { audit, refuseNonAdmin } from './admin-auth.js';
import { adminSessionId, unknownSession } from './admin-session.js';
import type { IssuerContext } from '../issuer-context.js';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../messages.js';

/**
 * Seed 002 §3.3: a live session ends (`Erased`, so later requests get the protocol's errors for
 * an ended session), then its sealing key is destroyed, so the personal data sealed in its log
 * and the pseudonyms that could link it to the person's other sessions can never be read or
 * recomputed again; the log itself stays intact and still folds (crypto-shredding). False for
 * a session the store holds no log for. Audited under `endpoint` (the admin API, the console).
 */
export async function eraseSession(ctx: IssuerContext, sessionId: string, endpoint: string): Promise<boolean> {
  const state = await ctx.engine.load(sessionId, { fresh: true });
  if (state.version === 0) return false;
  // A session that already ended (expired, denied, ...) records no event; its key is destroyed all the same.
  await ctx.engine.execute({ type: 'Erase', eventId: ctx.ids.eventId(), sessionId, at: ctx.now() });
  await ctx.sealer.erase(sessionId);
  audit(ctx, { action: 'session_erased', endpoint, sessionId });
  return true;
}

/** POST /admin/erase/<sessionId> (admin bearer token): `eraseSession`; an unknown session is 404. */
export async function handleErase(
  ctx: IssuerContext,
  request: ProtocolRequest,
  param: string,
): Promise<ProtocolResponse> {
  const refused = refuseNonAdmin(ctx, request, 'erase');
  if (refused) return refused;
  const sessionId = adminSessionId(param);
  if (!(await eraseSession(ctx, sessionId, 'erase'))) return unknownSession(ctx, 'erase');
  return jsonResponse(200, { erased: sessionId });
}
