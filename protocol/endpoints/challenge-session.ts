import { isLeft } from 'fp-ts/lib/Either.js';
import {
  AccessDenied,
  type CallerProof,
  type Decision,
  type Dialect,
  InvalidClient,
  type NewPresentationRequest,
} from '../../engine/index.js';
import { hashSecret, newHandle, newRequestUri } from '../handles.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import type { ProtocolRequest, ProtocolResponse } from '../messages.js';
import { jsonResponse } from '../messages.js';
import { readAuthorizationRequest } from '../oauth2/authorization-request.js';
import { type ProvenClient, proveClient } from '../oauth2/client-proof.js';
import { clientIdFor } from '../openid4vp/request-object.js';
import { interactionEndpoint } from '../interactive/interaction-answers.js';
import type { InteractiveDialect } from '../interactive/interaction-types.js';
import { addressKey, type RateLimiter } from '../rate-limit.js';

/** The caller's keys; seed 000 step 4: when the issuer requires a wallet attestation, the challenge must carry it. */
export async function proveCaller(
  ctx: IssuerContext,
  request: ProtocolRequest,
  now: number,
  url: string,
): Promise<ProvenClient> {
  const caller = await proveClient(ctx, request, url, now);
  if (!caller.attestationJkt && ctx.config.walletAttestation.required)
    throw new InvalidClient('a wallet attestation is required', 'seed 000 step 4; ABCA §5');
  return caller;
}

/** What a follow-up proves to the engine: the auth_session it presented and the keys it used (FiPA §5.3.1, §9.6.1). */
export function callerProof(authSession: string, caller: ProvenClient): CallerProof {
  return {
    authSessionHash: hashSecret(authSession),
    dpopJkt: caller.dpopJkt,
    ...(caller.attestationJkt && { attestationJkt: caller.attestationJkt }),
  };
}

/** The endpoint an interactive dialect's wallet answers to and the audiences its key-binding JWT may name (protocol-ia.md §4, §11). */
function interactiveBinding(ctx: IssuerContext, dialect: InteractiveDialect) {
  const url = interactionEndpoint(ctx, dialect);
  const prefix = dialect === 'S3' ? 'ia:' : 'iae:';
  const forms =
    ctx.config.interactiveAuthorization.keyBindingAudiences[dialect === 'S1' ? 's1' : dialect === 'S2' ? 's2' : 's3'];
  return { url, audiences: forms.map((form) => `${prefix}${form === 'url' ? url : new URL(url).origin}`) };
}

/** A fresh OpenID4VP transaction for `sessionId` in `dialect`: its request id doubles as the unguessable part of its URLs. */
export function newPresentationRequest(
  ctx: IssuerContext,
  sessionId: string,
  dialect: Dialect,
): NewPresentationRequest {
  const requestId = newHandle(ctx.ids, sessionId);
  // L and the browser flow (B) send the request by reference to our verifier, with no interactive audience.
  const interactive = dialect === 'L' || dialect === 'B' ? undefined : interactiveBinding(ctx, dialect);
  const verifierClientId = clientIdFor({
    keys: ctx.keys,
    clientIdPrefix: ctx.config.verifier.clientIdPrefix,
    dns: new URL(ctx.config.publicUrl).hostname,
    responseUri: interactive?.url ?? endpoints(ctx.config).response(requestId),
  });
  return {
    requestId,
    nonce: ctx.ids.secret(),
    state: ctx.ids.secret(),
    verifierClientId,
    ...(interactive && { audiences: interactive.audiences }),
  };
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

export interface OpenedSession {
  sessionId: string;
  authSession: string;
  credentialConfigurationIds: string[];
  request: NewPresentationRequest;
  /** Issue 15: the request_uri pushed at once, for a wallet that offered only the browser step. */
  requestUri?: string;
}

/**
 * The initial request of every dialect (FiPA §5.1, OpenID4VCI §5.1, protocol-ia.md §2.2): rate
 * limits, the caller's keys, the authorization request, the offer it redeems, then the session.
 * A refusal comes back as the response to send.
 */
export async function openSession(
  ctx: IssuerContext,
  request: ProtocolRequest,
  params: Map<string, string>,
  now: number,
  dialect: Dialect,
  options: {
    /** The endpoint called (DPoP `htu`): the challenge endpoint (default), or the IAE. */
    url?: string;
    /** S1/S2/S3: the wallet offered the dialect's browser step (protocol-ia.md §5). */
    browserStepOffered?: boolean;
    /** Issue 15: it offered nothing else, so the session starts in the browser step. */
    browserOnly?: boolean;
  } = {},
): Promise<OpenedSession | ProtocolResponse> {
  const { url = endpoints(ctx.config).challenge, browserStepOffered = false, browserOnly = false } = options;
  // Checked before any signature: an address over its limit costs no cryptography.
  const byAddress = tooManySessions(
    ctx.limits.sessionsPerAddress,
    request.remoteAddress && addressKey(request.remoteAddress),
    now,
  );
  if (byAddress) return byAddress;
  const caller = await proveCaller(ctx, request, now, url);
  const byKey = tooManySessions(ctx.limits.sessionsPerKey, caller.dpopJkt, now);
  if (byKey) return byKey;
  const authorization = readAuthorizationRequest(params, ctx.config, caller.attestedClientId, dialect);
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
  const presentation = newPresentationRequest(ctx, sessionId, dialect);
  const requestUri = browserOnly ? newRequestUri(ctx.ids, sessionId) : undefined;
  const { viaAuthorizationDetails, ...facts } = authorization;
  const outcome: Decision = await ctx.engine.execute({
    type: 'StartChallenge',
    eventId: ctx.ids.eventId(),
    sessionId,
    at: now,
    ...(dialect !== 'L' && { dialect }),
    ...facts,
    ...(viaAuthorizationDetails && { authorizationDetails: true }),
    dpopJkt: caller.dpopJkt,
    ...(caller.attestationJkt && { attestationJkt: caller.attestationJkt }),
    ...(browserStepOffered && { browserStepOffered }),
    ...(requestUri && { browserStep: { requestUriHash: hashSecret(requestUri) } }),
    authSessionHash: hashSecret(authSession),
    request: presentation,
  });
  if (isLeft(outcome)) throw outcome.left.error;
  return {
    sessionId,
    authSession,
    credentialConfigurationIds: facts.credentialConfigurationIds,
    request: presentation,
    ...(requestUri && { requestUri }),
  };
}
