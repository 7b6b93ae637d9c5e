import { InvalidRequest } from '../../engine/index.js';
import { openSession } from '../endpoints/challenge-session.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import { jsonResponse, readForm, type ProtocolRequest, type ProtocolResponse } from '../messages.js';
import { redirectUriProblem } from './redirect-uri.js';

/**
 * POST /par (issue 15; RFC 9126 §2): a pushed authorization request of a client that starts in the
 * browser (the browser flow, `B`). The same authorization request as the challenge's, with DPoP at
 * the push (RFC 9449 §10.1: the token is bound to that key), S256 PKCE and a redirect_uri that
 * passes RFC 8252 §7 required (RFC 9700 §2.1.1); `state` is kept for the redirect. Answers 201 with
 * the single-use `request_uri` and its `expires_in` (RFC 9126 §2.2); the authorization endpoint then
 * sends the browser to the browser step.
 */
export async function handlePushedAuthorization(
  ctx: IssuerContext,
  request: ProtocolRequest,
): Promise<ProtocolResponse> {
  const params = readForm(request);
  const redirectUri = params.get('redirect_uri');
  if (redirectUri === undefined) throw new InvalidRequest('redirect_uri is required', 'RFC 9126 §2.1; RFC 6749 §3.1.2');
  const problem = redirectUriProblem(redirectUri);
  if (problem) throw new InvalidRequest(problem, 'RFC 8252 §7; RFC 9700 §2.1');
  if (params.get('code_challenge') === undefined)
    throw new InvalidRequest('PKCE with S256 is required', 'RFC 9700 §2.1.1; RFC 7636 §4.3');
  const opened = await openSession(ctx, request, params, ctx.now(), 'B', {
    url: endpoints(ctx.config).par,
    browserStepOffered: true,
    browserOnly: true,
  });
  if (!('sessionId' in opened)) return opened;
  return jsonResponse(201, { request_uri: opened.requestUri, expires_in: ctx.config.lifetimes.request });
}
