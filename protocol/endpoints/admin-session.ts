import { InvalidRequest } from '../../engine/index.js';
import { audit } from './admin-auth.js';
import { SESSION_ID } from '../handles.js';
import type { IssuerContext } from '../issuer-context.js';
import { jsonResponse, type ProtocolResponse } from '../messages.js';

/** The session id an admin path names; anything else is refused before any read. */
export function adminSessionId(sessionId: string): string {
  if (!SESSION_ID.test(sessionId)) throw new InvalidRequest('not a session id', 'admin API');
  return sessionId;
}

/** An admin request about a session the store holds no log for: audited, answered 404 with error JSON. */
export function unknownSession(ctx: IssuerContext, endpoint: string): ProtocolResponse {
  audit(ctx, { action: 'refused', endpoint, reason: 'unknown_session' });
  return jsonResponse(404, { error: 'invalid_request', error_description: 'no such session' });
}
