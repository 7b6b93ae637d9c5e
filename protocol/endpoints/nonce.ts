import { jsonResponse, type ProtocolResponse } from '../messages.js';
import type { IssuerContext } from '../issuer-context.js';

/** POST /nonce (OpenID4VCI §7): a fresh c_nonce, no access token needed, never cached. */
export function handleNonce(ctx: IssuerContext): ProtocolResponse {
  return jsonResponse(200, { c_nonce: ctx.cNonces.issue(ctx.now(), ctx.config.lifetimes.cNonce).nonce });
}
