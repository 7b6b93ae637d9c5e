import { isLeft } from 'fp-ts/lib/Either.js';
import { hashSecret, newHandle, sessionOfHandle } from '../handles.js';
import { clientIdFor, presentationUri } from '../openid4vp/request-object.js';
import {
  AccessDenied,
  InvalidClient,
  InvalidSession,
  RedirectToWeb,
  contextOf,
  type NewPresentationRequest,
  type Decision,
} from '../../engine/index.js';
import { readAuthorizationRequest } from '../oauth2/authorization-request.js';
import { proveClient } from '../oauth2/client-proof.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import { addressKey, type RateLimiter } from '../rate-limit.js';
import { errorResponse, jsonResponse, readForm, type ProtocolRequest, type ProtocolResponse } from '../messages.js';

/** The caller's keys; seed 000 step 4: when the issuer requires a wallet attestation, the challenge must carry it. */
async function proveCaller(ctx: IssuerContext, request: ProtocolRequest, now: number) {
  const caller = await proveClient(ctx, request, endpoints(ctx.config).challenge, now);
  if (!caller.attestationJkt && ctx.config.walletAttestation.required)
    throw new InvalidClient('a wallet attestation is required', 'seed 000 step 4; ABCA §5');
  return caller;
}

/** A fresh OpenID4VP transaction for `sessionId`: its request id doubles as the unguessable part of its URLs. */
async function newPresentationRequest(ctx: IssuerContext, sessionId: string): Promise<NewPresentationRequest> {
  const requestId = newHandle(ctx.ids, sessionId);
  const { verifier } = ctx.config;
  const verifierClientId = clientIdFor({
    keys: ctx.keys,
    clientIdPrefix: verifier.clientIdPrefix,
    dns: new URL(ctx.config.publicUrl).hostname,
    responseUri: endpoints(ctx.config).response(requestId),
  });
  return { requestId, nonce: ctx.ids.secret(), state: ctx.ids.secret(), verifierClientId };
}

function insufficientAuthorization(
  ctx: IssuerContext,
  authSession: string,
  request: { requestId: string; verifierClientId: string },
) {
  const presentation = presentationUri(
    request.verifierClientId,
    endpoints(ctx.config).requestObject(request.requestId),
  );
  return jsonResponse(400, {
    error: 'insufficient_authorization',
    error_description: 'present the requested credential',
    auth_session: authSession,
    presentation,
  });
}

/**
 * Issue 10 §4: 429 (RFC 6585 §4) with Retry-After once the client address or the DPoP key
 * opened too many sessions. The challenge request is an authorization request (FiPA §5.1), so
 * the error is RFC 6749 §4.1.2.1's `temporarily_unavailable` ("temporary overloading");
 * `slow_down` belongs to the device flow (RFC 8628 §3.5) only.
 */
function tooManySessions(limiter: RateLimiter, key: string | undefined, now: number): ProtocolResponse | undefined {
  const wait = key === undefined ? 0 : limiter.take(key, now);
  if (wait === 0) return undefined;
  return jsonResponse(
    429,
    { error: 'temporarily_unavailable', error_description: 'too many new sessions; retry later' },
    { 'Retry-After': String(wait) },
  );
}

async function firstCall(
  ctx: IssuerContext,
  request: ProtocolRequest,
  params: Map<string, string>,
  now: number,
): Promise<ProtocolResponse> {
  // Checked before any signature: an address over its limit costs no cryptography.
  const byAddress = tooManySessions(
    ctx.limits.sessionsPerAddress,
    request.remoteAddress && addressKey(request.remoteAddress),
    now,
  );
  if (byAddress) return byAddress;
  const caller = await proveCaller(ctx, request, now);
  const byKey = tooManySessions(ctx.limits.sessionsPerKey, caller.dpopJkt, now);
  if (byKey) return byKey;
  const authorization = readAuthorizationRequest(params, ctx.config, caller.attestedClientId);
  if (authorization.issuerState !== undefined) {
    // OpenID4VCI §5.1.3: issuer_state binds this challenge to one live offer, once.
    const offered = await ctx.offers.consume(authorization.issuerState, now);
    if (!offered || authorization.credentialConfigurationIds.some((id) => !offered.includes(id)))
      throw new AccessDenied(
        'issuer_state is unknown, used, expired, or does not offer this credential',
        'OpenID4VCI §5.1.3',
      );
  }
  const sessionId = ctx.ids.sessionId();
  const authSession = newHandle(ctx.ids, sessionId);
  const presentation = await newPresentationRequest(ctx, sessionId);
  const { viaAuthorizationDetails, ...facts } = authorization;
  const outcome = await ctx.engine.execute({
    type: 'StartChallenge',
    eventId: ctx.ids.eventId(),
    sessionId,
    at: now,
    ...facts,
    ...(viaAuthorizationDetails && { authorizationDetails: true }),
    dpopJkt: caller.dpopJkt,
    ...(caller.attestationJkt && { attestationJkt: caller.attestationJkt }),
    authSessionHash: hashSecret(authSession),
    request: presentation,
  });
  if (isLeft(outcome)) return errorResponse(outcome.left.error);
  return insufficientAuthorization(ctx, authSession, presentation);
}

async function followUp(
  ctx: IssuerContext,
  request: ProtocolRequest,
  params: Map<string, string>,
  now: number,
): Promise<ProtocolResponse> {
  const authSession = params.get('auth_session')!;
  const sessionId = sessionOfHandle(authSession);
  if (!sessionId) throw new InvalidSession('auth_session is unknown', 'FiPA §5.3.1');
  const caller = await proveCaller(ctx, request, now);
  const pdis = params.get('presentation_during_issuance_session');
  const code = newHandle(ctx.ids, sessionId);
  const rotated = newHandle(ctx.ids, sessionId);
  const clientId = params.get('client_id');
  const outcome: Decision = await ctx.engine.execute({
    type: 'ContinueChallenge',
    eventId: ctx.ids.eventId(),
    sessionId,
    at: now,
    caller: {
      authSessionHash: hashSecret(authSession),
      dpopJkt: caller.dpopJkt,
      ...(caller.attestationJkt && { attestationJkt: caller.attestationJkt }),
    },
    ...(clientId !== undefined && { clientId }),
    ...(pdis !== undefined && { pdisHash: hashSecret(pdis) }),
    codeHash: hashSecret(code),
    retry: { authSessionHash: hashSecret(rotated), request: await newPresentationRequest(ctx, sessionId) },
  });
  if (isLeft(outcome)) return errorResponse(outcome.left.error);
  const { event, state } = outcome.right;
  switch (event?.type) {
    case 'AuthorizationCodeIssued':
      return jsonResponse(200, { authorization_code: code });
    case 'PresentationRequested':
      return insufficientAuthorization(ctx, rotated, event.data.request);
    case 'RedirectedToWeb':
      return errorResponse(new RedirectToWeb('continue in a browser', 'FiPA §5.2.2.1.1'));
    case 'Denied':
      return errorResponse(new AccessDenied('the presentation could not be completed', 'PDI-DE retry policy'));
    default:
      // The presentation is still pending: re-signal it with the same auth_session.
      return insufficientAuthorization(ctx, authSession, contextOf(state).request);
  }
}

/** POST /authorize-challenge (FiPA §5, seed 000 steps 4 and 10). */
export async function handleChallenge(ctx: IssuerContext, request: ProtocolRequest): Promise<ProtocolResponse> {
  const params = readForm(request);
  const now = ctx.now();
  return params.has('auth_session') ? followUp(ctx, request, params, now) : firstCall(ctx, request, params, now);
}
