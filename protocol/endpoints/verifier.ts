import { isLeft } from 'fp-ts/lib/Either.js';
import { hashSecret, newHandle, sessionOfHandle } from '../handles.js';
import { parseAuthorizationResponse } from '../openid4vp/authorization-response.js';
import { pidQuery, pidRequirements } from '../openid4vp/pid-requirements.js';
import { verifyPidPresentation } from '../openid4vp/verify-pid.js';
import { PID_QUERY_ID, buildRequestObject } from '../openid4vp/request-object.js';
import { InvalidRequest, contextOf, currentRequest } from '../../engine/index.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import { errorResponse, jsonResponse, readForm, type ProtocolRequest, type ProtocolResponse } from '../messages.js';

function sessionOf(requestId: string): string {
  const sessionId = sessionOfHandle(requestId);
  if (!sessionId) throw new InvalidRequest('unknown presentation request', 'OpenID4VP §5.10');
  return sessionId;
}

const WALLET_NONCE = /^[A-Za-z0-9._~+/=-]{1,256}$/;

/** GET (or POST, for request_uri_method=post) request_uri: the signed request object, once (OpenID4VP §5.10). */
export async function handleRequestObject(
  ctx: IssuerContext,
  request: ProtocolRequest,
  requestId: string,
): Promise<ProtocolResponse> {
  const sessionId = sessionOf(requestId);
  const walletNonce = request.method === 'POST' ? readForm(request).get('wallet_nonce') : undefined;
  // OpenID4VP §5.10: the wallet_nonce is echoed into the signed request object, so it is bounded before anything is signed or recorded.
  if (walletNonce !== undefined && !WALLET_NONCE.test(walletNonce))
    throw new InvalidRequest('wallet_nonce must be 1 to 256 URL-safe characters', 'OpenID4VP §5.10');
  const now = ctx.now();
  const outcome = await ctx.engine.execute({
    type: 'RetrieveRequestObject',
    eventId: ctx.ids.eventId(),
    sessionId,
    at: now,
    requestId,
  });
  if (isLeft(outcome)) return errorResponse(outcome.left.error);
  const session = contextOf(outcome.right.state);
  const { verifier } = ctx.config;
  const needed = pidRequirements(ctx.config.credentialConfigurations, session.credentialConfigurationIds);
  const { requestObject, contentType } = await buildRequestObject({
    keys: ctx.keys,
    clientIdPrefix: verifier.clientIdPrefix,
    dns: new URL(ctx.config.publicUrl).hostname,
    responseUri: endpoints(ctx.config).response(requestId),
    nonce: session.request.nonce,
    state: session.request.state,
    responseMode: verifier.responseMode,
    dcqlQuery: pidQuery(needed),
    now,
    lifetimeSeconds: Math.max(1, Math.floor((session.request.expiresAt - now) / 1000)),
    requestId,
    ...(walletNonce !== undefined && { walletNonce }),
  });
  return { status: 200, headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' }, body: requestObject };
}

/** POST response_uri: the wallet's presentation or error (OpenID4VP §8.2; seed 000 steps 7–9). */
export async function handleAuthorizationResponse(
  ctx: IssuerContext,
  request: ProtocolRequest,
  requestId: string,
): Promise<ProtocolResponse> {
  const sessionId = sessionOf(requestId);
  const form = new URLSearchParams([...readForm(request)]);
  const response = await parseAuthorizationResponse(form, {
    keys: ctx.keys,
    requestId,
    expectedQueryIds: [PID_QUERY_ID],
    responseMode: ctx.config.verifier.responseMode,
  });
  if (response.state === undefined) throw new InvalidRequest('state is required', 'OpenID4VP §5.3; P-40');
  const now = ctx.now();
  const base = { eventId: ctx.ids.eventId(), sessionId, at: now, requestId, state: response.state };
  if (response.kind === 'error') {
    const outcome = await ctx.engine.execute({
      type: 'SubmitWalletError',
      ...base,
      error: response.error.slice(0, 256),
      ...(response.errorDescription !== undefined && {
        sealedErrorDescription: await ctx.sealer.seal(
          sessionId,
          { error_description: response.errorDescription.slice(0, 1024) },
          false,
        ),
      }),
    });
    // OpenID4VP §8.2: a processed error response is answered 200; no pdis after a failure.
    return isLeft(outcome) ? errorResponse(outcome.left.error) : jsonResponse(200, {});
  }
  const presented = response.presentations[PID_QUERY_ID];
  if (presented?.length !== 1) throw new InvalidRequest('exactly one presentation is expected', 'OpenID4VP §8.1');
  const session = contextOf(await ctx.engine.load(sessionId, { fresh: true }));
  // P-40: the engine's rule, asked before the presentation is verified; `decide` runs it again on the response.
  const superseded = currentRequest(session, requestId);
  if (superseded) throw superseded;
  const verified = await verifyPidPresentation(ctx, session, presented[0]!, now);
  const pdis = newHandle(ctx.ids, sessionId);
  const outcome = await ctx.engine.execute({
    type: 'SubmitPresentation',
    ...base,
    ...verified,
    pdisHash: hashSecret(pdis),
  });
  if (isLeft(outcome)) return errorResponse(outcome.left.error);
  // Issue 15: in the browser step the page continues (its handle is the pdis); the wallet gets none.
  if (contextOf(outcome.right.state).browser) return jsonResponse(200, {});
  return jsonResponse(200, { presentation_during_issuance_session: pdis });
}
