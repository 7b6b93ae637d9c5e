import { InvalidRequest } from '../engine/index.js';
import type { IssuerContext } from './issuer-context.js';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from './messages.js';

const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * POST /admin/erase/<sessionId> (admin bearer token): destroys the session's
 * sealing key, so the personal data sealed in its log can never be read again, while the
 * log itself stays intact and still folds (seed 002 §3.3; crypto-shredding).
 */
export async function handleErase(ctx: IssuerContext, request: ProtocolRequest, sessionId: string): Promise<ProtocolResponse> {
  const admin = ctx.config.adminToken;
  if (!admin || request.headers.get('authorization') !== `Bearer ${admin}`)
    return jsonResponse(401, { error: 'invalid_token', error_description: 'the admin API needs the admin bearer token' }, { 'WWW-Authenticate': 'Bearer' });
  if (!SESSION_ID.test(sessionId)) throw new InvalidRequest('not a session id', 'admin API');
  await ctx.sealer.erase(sessionId);
  return jsonResponse(200, { erased: sessionId });
}
