import { isLeft } from 'fp-ts/lib/Either.js';
import {
  AccessDenied,
  type CallerProof,
  type CarriedPresentation,
  contextOf,
  type Decision,
  type EngineError,
  type FollowUpEndpoint,
  followUpEndpoint,
  InvalidSession,
  type NewPresentationRequest,
  RedirectToWeb,
  type SessionContext,
} from '../../engine/index.js';
import { hashSecret, newHandle, newRequestUri, sessionOfHandle } from '../handles.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import { errorResponse, type ProtocolRequest, type ProtocolResponse } from '../messages.js';
import { callerProof, newPresentationRequest, proveCaller } from './challenge-session.js';

/** A follow-up call (FiPA §5.3, protocol-ia.md §2.3): its session, as it stands, and what the caller proved. */
export interface FollowUp {
  sessionId: string;
  authSession: string;
  caller: CallerProof;
  /** The client_id the call sent, if any. */
  clientId?: string;
  session: SessionContext;
  now: number;
}

export async function readFollowUp(
  ctx: IssuerContext,
  request: ProtocolRequest,
  params: Map<string, string>,
  now: number,
  /** The endpoint called (DPoP `htu`): the challenge endpoint, or the IAE. */
  url: string = endpoints(ctx.config).challenge,
): Promise<FollowUp> {
  const authSession = params.get('auth_session')!;
  const sessionId = sessionOfHandle(authSession);
  if (!sessionId) throw new InvalidSession('auth_session is unknown', 'FiPA §5.3.1');
  const caller = callerProof(authSession, await proveCaller(ctx, request, now, url));
  // A cache that has not seen this auth_session's rotation (made on another instance) is read again:
  // the follow-up's commands name the current request, and the engine refuses stale ones.
  const cached = contextOf(await ctx.engine.load(sessionId));
  const session =
    cached.authSessionHash === caller.authSessionHash
      ? cached
      : contextOf(await ctx.engine.load(sessionId, { fresh: true }));
  const clientId = params.get('client_id');
  return { sessionId, authSession, caller, ...(clientId !== undefined && { clientId }), session, now };
}

/** Issue 13 §2: a follow-up at an endpoint that is not its session's is refused before its body is parsed (the engine refuses it too). */
export function requireOwnEndpoint(f: FollowUp, endpoint: FollowUpEndpoint): void {
  if (followUpEndpoint(f.session.dialect) !== endpoint)
    throw new InvalidSession('auth_session is not valid at this endpoint', 'issue 13 §2 (dispatch by dialect)');
}

/** What the dialect answers with, for each outcome of a follow-up. */
export interface FollowUpAnswers {
  code: (code: string) => ProtocolResponse | Promise<ProtocolResponse>;
  interaction: (authSession: string, request: NewPresentationRequest) => ProtocolResponse | Promise<ProtocolResponse>;
  /** Nothing happened: the presentation is still pending. */
  pending: () => ProtocolResponse | Promise<ProtocolResponse>;
  /** S1/S2/S3: the browser step, with the rotated auth_session and the pushed request_uri (protocol-ia.md §5). */
  browser?: (authSession: string, requestUri: string, expiresIn: number) => ProtocolResponse;
}

/**
 * The engine's answer to a follow-up (a pdis in L, a carried presentation in S1/S2/S3, or
 * neither, which asks the retry policy once the presentation failed or timed out), in the
 * dialect's words. A new auth_session is minted for the interaction answer a retry gives.
 */
export async function continueChallenge(
  ctx: IssuerContext,
  f: FollowUp,
  carried: { endpoint: FollowUpEndpoint; pdisHash?: string; presentation?: CarriedPresentation },
  answers: FollowUpAnswers,
): Promise<ProtocolResponse> {
  const code = newHandle(ctx.ids, f.sessionId);
  const rotated = newHandle(ctx.ids, f.sessionId);
  // Only a follow-up without a presentation can lead to the browser step.
  const mayBrowse = f.session.browserStepOffered && carried.presentation === undefined;
  const requestUri = mayBrowse ? newRequestUri(ctx.ids, f.sessionId) : undefined;
  const outcome: Decision = await ctx.engine.execute({
    type: 'ContinueChallenge',
    eventId: ctx.ids.eventId(),
    sessionId: f.sessionId,
    at: f.now,
    caller: f.caller,
    ...(f.clientId !== undefined && { clientId: f.clientId }),
    ...carried,
    codeHash: hashSecret(code),
    retry: {
      authSessionHash: hashSecret(rotated),
      request: newPresentationRequest(ctx, f.sessionId, f.session.dialect),
    },
    ...(requestUri !== undefined && { browserStep: { requestUriHash: hashSecret(requestUri) } }),
  });
  if (isLeft(outcome)) return errorResponse(outcome.left.error);
  const { event } = outcome.right;
  switch (event?.type) {
    case 'AuthorizationCodeIssued':
    case 'PresentationVerified':
      return answers.code(code);
    case 'PresentationRequested':
      return answers.interaction(rotated, event.data.request);
    case 'BrowserStepOffered':
      if (answers.browser && requestUri !== undefined)
        return answers.browser(rotated, requestUri, Math.ceil((event.data.requestUri.expiresAt - f.now) / 1000));
      return errorResponse(new RedirectToWeb('continue in a browser', 'FiPA §5.2.2.1.1'));
    case 'RedirectedToWeb':
      return errorResponse(new RedirectToWeb('continue in a browser', 'FiPA §5.2.2.1.1'));
    case 'Denied':
      return errorResponse(new AccessDenied('the presentation could not be completed', 'PDI-DE retry policy'));
    default:
      return answers.pending();
  }
}

/**
 * Issue 13 §7: the wallet says in a follow-up that it cannot present (L: `error=…` beside the
 * auth_session, as the seed's example sends; S1/S2/S3: `openid4vp_response={"error":…}`). It is
 * recorded against the session's current request; the caller then asks the retry policy.
 */
export async function recordWalletError(
  ctx: IssuerContext,
  f: FollowUp,
  error: string,
  description: string | undefined,
): Promise<EngineError | undefined> {
  const outcome = await ctx.engine.execute({
    type: 'SubmitWalletError',
    eventId: ctx.ids.eventId(),
    sessionId: f.sessionId,
    at: f.now,
    requestId: f.session.request.requestId,
    caller: f.caller,
    error: error.slice(0, 256),
    ...(description !== undefined && {
      sealedErrorDescription: await ctx.sealer.seal(
        f.sessionId,
        { error_description: description.slice(0, 1024) },
        false,
      ),
    }),
  });
  return isLeft(outcome) ? outcome.left.error : undefined;
}
