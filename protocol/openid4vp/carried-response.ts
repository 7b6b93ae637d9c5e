import { z } from 'zod';
import type { IssuerKeys } from '../../adapters/keys/ports.js';
import { InvalidRequest } from '../../engine/index.js';
import { type AuthorizationResponse, parseAuthorizationResponse } from './authorization-response.js';
import type { ResponseMode } from './request-object.js';

/**
 * protocol-ia.md §2.3: the `openid4vp_response` of a follow-up is a JSON object holding exactly
 * one of a plain `vp_token`, an encrypted `response` (the `.jwt` modes, OpenID4VP §8.3), or the
 * wallet's `error` with its `error_description`.
 */
const CarriedResponse = z.union([
  z.strictObject({ vp_token: z.record(z.string(), z.unknown()) }),
  z.strictObject({ response: z.string().min(1) }),
  z.strictObject({ error: z.string().min(1).max(256), error_description: z.string().max(1024).optional() }),
]);

function parsed(raw: string): z.infer<typeof CarriedResponse> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new InvalidRequest('openid4vp_response is not JSON', 'protocol-ia.md §2.3');
  }
  const response = CarriedResponse.safeParse(json);
  if (!response.success)
    throw new InvalidRequest(
      'openid4vp_response must hold one of vp_token, response or error',
      'OpenID4VCI 1.1 IA (protocol-ia.md §2.3)',
    );
  return response.data;
}

/**
 * The carried response read as the verifier reads one at its response_uri, so both carriers share
 * one parser and one decryption (the request's own key, by `requestId`). The DC API has no
 * `state` (protocol-ia.md §4), so one sent anyway is refused.
 */
export async function parseCarriedResponse(
  raw: string,
  options: { keys: IssuerKeys; requestId: string; expectedQueryIds: string[]; responseMode: ResponseMode },
): Promise<AuthorizationResponse> {
  const carried = parsed(raw);
  const form = new URLSearchParams();
  if ('vp_token' in carried) form.set('vp_token', JSON.stringify(carried.vp_token));
  else if ('response' in carried) form.set('response', carried.response);
  else {
    form.set('error', carried.error);
    if (carried.error_description !== undefined) form.set('error_description', carried.error_description);
  }
  const response = await parseAuthorizationResponse(form, options);
  if (response.state !== undefined)
    throw new InvalidRequest('state is not part of this response', 'OpenID4VP App. A; protocol-ia.md §4');
  return response;
}
