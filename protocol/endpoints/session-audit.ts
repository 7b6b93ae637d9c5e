import { audit as auditLog, fold, stateName } from '../../engine/index.js';
import { audit, refuseNonAdmin } from './admin-auth.js';
import { adminSessionId, unknownSession } from './admin-session.js';
import type { IssuerContext } from '../issuer-context.js';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../messages.js';

/**
 * GET /admin/audit/<sessionId> (admin bearer token), issue 11 §1: re-judges the session's
 * stored log, read fresh from the event store, by today's rules (`audit`). Each finding
 * names where it is (version), the event type, the error code and the rule id, never the
 * event's facts or the error's description, so the answer holds no personal data. An
 * unknown session is 404; a log that fails its authentication or that the machine cannot
 * explain is refused by the router as for any request on that session.
 */
export async function handleSessionAudit(
  ctx: IssuerContext,
  request: ProtocolRequest,
  param: string,
): Promise<ProtocolResponse> {
  const refused = refuseNonAdmin(ctx, request, 'audit');
  if (refused) return refused;
  const sessionId = adminSessionId(param);
  const events = await ctx.engine.store.read(sessionId);
  if (events.length === 0) return unknownSession(ctx, 'audit');
  const state = fold(events);
  const findings = auditLog(events).map(({ version, type, error }) => ({
    version,
    type,
    error: error.code,
    rule: error.rule,
  }));
  audit(ctx, { action: 'session_audited', endpoint: 'audit', sessionId, findings: String(findings.length) });
  // jsonResponse answers with Cache-Control: no-store.
  return jsonResponse(200, { session_id: sessionId, version: state.version, state: stateName(state), findings });
}
