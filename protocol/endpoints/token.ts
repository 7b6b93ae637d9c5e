import { isLeft } from 'fp-ts/lib/Either.js';
import { hashSecret, newHandle } from '../handles.js';
import { InvalidRequest, contextOf } from '../../engine/index.js';
import { proveClient } from '../oauth2/client-proof.js';
import { readTokenRequest, s256 } from '../oauth2/token-request.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import { errorResponse, jsonResponse, readForm, type ProtocolRequest, type ProtocolResponse } from '../messages.js';

/** POST /token, authorization_code grant, DPoP-bound (RFC 6749 §4.1.3, RFC 9449 §5; seed 000 step 12). */
export async function handleToken(ctx: IssuerContext, request: ProtocolRequest): Promise<ProtocolResponse> {
  const { code, sessionId, clientId, codeVerifier, redirectUri } = readTokenRequest(readForm(request));
  const now = ctx.now();
  // RFC 9449 §5, FiPA §9.5.1: the token request proves the key the session (and so the code) is bound to.
  const caller = await proveClient(ctx, request, endpoints(ctx.config).token, now);
  // RFC 6749 §4.1.3: client_id is required unless the client authenticates (here: a wallet attestation).
  // A missing parameter is invalid_request (§5.2); invalid_client is for failed client authentication.
  if (clientId === undefined && !caller.attestationJkt)
    throw new InvalidRequest('client_id is required', 'RFC 6749 §4.1.3');
  const token = newHandle(ctx.ids, sessionId);
  const outcome = await ctx.engine.execute({
    type: 'RedeemCode',
    eventId: ctx.ids.eventId(),
    sessionId,
    at: now,
    codeHash: hashSecret(code),
    ...(clientId !== undefined && { clientId }),
    dpopJkt: caller.dpopJkt,
    ...(caller.attestationJkt && { attestationJkt: caller.attestationJkt }),
    ...(codeVerifier !== undefined && { verifierChallenge: s256(codeVerifier) }),
    ...(redirectUri !== undefined && { redirectUri }),
    tokenHash: hashSecret(token),
  });
  if (isLeft(outcome)) return errorResponse(outcome.left.error);
  const session = contextOf(outcome.right.state);
  // RFC 6749 §5.1: a response with a token is no-store (jsonResponse) and, for HTTP/1.0 caches, Pragma no-cache.
  return jsonResponse(
    200,
    {
      access_token: token,
      token_type: 'DPoP',
      expires_in: Math.floor((session.token!.expiresAt - now) / 1000),
      ...(session.authorizationDetails && {
        authorization_details: session.credentialConfigurationIds.map((id) => ({
          type: 'openid_credential',
          credential_configuration_id: id,
          credential_identifiers: [id],
        })),
      }),
    },
    { Pragma: 'no-cache' },
  );
}
