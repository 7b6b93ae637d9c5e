import { isLeft } from 'fp-ts/lib/Either.js';
import { contextOf, stateName } from '../../engine/index.js';
import { newPresentationRequest } from '../endpoints/challenge-session.js';
import { hashSecret, newHandle, sessionOfHandle } from '../handles.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import type { ProtocolRequest, ProtocolResponse } from '../messages.js';
import { errorPage } from './browser-pages.js';
import { redirectUriProblem } from './redirect-uri.js';

const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
const PARAMETERS = new Set(['client_id', 'request_uri']);

/** RFC 6749 §3.1, RFC 9126 §4: exactly `client_id` and `request_uri`, each once; the pushed request holds the rest. */
function readParameters(url: URL): { clientId: string; requestUri: string } | string {
  const names = [...url.searchParams.keys()];
  if (names.some((name) => !PARAMETERS.has(name)))
    return 'only client_id and request_uri are accepted here (RFC 9126 §4)';
  if (new Set(names).size !== names.length) return 'a parameter is repeated (RFC 6749 §3.1)';
  const clientId = url.searchParams.get('client_id');
  const requestUri = url.searchParams.get('request_uri');
  if (!clientId || !requestUri) return 'client_id and request_uri are required (RFC 9126 §4)';
  return { clientId, requestUri };
}

/**
 * GET /authorize (issue 15; RFC 6749 §3.1, RFC 9126 §4, protocol-ia.md §5): resolves a request_uri
 * this server pushed in a challenge or IAE answer, once and before it expires, for the client it
 * was pushed for, and sends the browser to the browser step's page. RFC 6749 §4.1.2.1: while the
 * client or its redirect_uri cannot be trusted, the error is shown here and never redirected.
 */
export async function handleAuthorize(ctx: IssuerContext, request: ProtocolRequest): Promise<ProtocolResponse> {
  const parameters = readParameters(request.url);
  if (typeof parameters === 'string') return errorPage(ctx, 400, parameters);
  const { clientId, requestUri } = parameters;
  const handle = requestUri.startsWith(REQUEST_URI_PREFIX) ? requestUri.slice(REQUEST_URI_PREFIX.length) : '';
  const sessionId = sessionOfHandle(handle);
  const pseudonym = sessionId && (await ctx.pseudonyms.known(sessionId));
  if (!sessionId || !pseudonym) return errorPage(ctx, 400, 'request_uri is unknown, used or expired (RFC 9126 §4)');
  const state = await ctx.engine.load(sessionId, { fresh: true });
  const session = contextOf(state);
  if (stateName(state) !== 'browserStep' || session.browserStep?.hash !== hashSecret(requestUri))
    return errorPage(ctx, 400, 'request_uri is unknown, used or expired (RFC 9126 §4)');
  // RFC 9126 §4: the request_uri is bound to the client it was pushed for.
  if (pseudonym('client_id', clientId) !== session.clientId)
    return errorPage(ctx, 400, 'client_id is not the client this request was pushed for (RFC 9126 §4)');
  const redirectUri = session.redirectUri;
  if (redirectUri === undefined) return errorPage(ctx, 400, 'the authorization request registered no redirect_uri');
  const problem = redirectUriProblem(redirectUri);
  if (problem) return errorPage(ctx, 400, problem);
  const page = newHandle(ctx.ids, sessionId);
  const outcome = await ctx.engine.execute({
    type: 'StartBrowserStep',
    eventId: ctx.ids.eventId(),
    sessionId,
    at: ctx.now(),
    requestUriHash: hashSecret(requestUri),
    pageHash: hashSecret(page),
    request: newPresentationRequest(ctx, sessionId, 'L'),
    redirectUri,
  });
  if (isLeft(outcome)) return errorPage(ctx, 400, outcome.left.error.description);
  return {
    status: 303,
    headers: { Location: endpoints(ctx.config).browserPage(page), 'Cache-Control': 'no-store' },
    body: '',
  };
}
