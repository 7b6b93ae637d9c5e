import type { FollowUpEndpoint } from './commands.js';
import type { SessionContext } from './context.js';
import { deadlineAhead } from './deadlines.js';
import { InvalidRequest, InvalidSession, type EngineError } from './errors.js';
import type { DataOf, Dialect, PresentationRequest } from './events.js';

/**
 * The rules of the dialects (issue 13; protocol-ia.md): which way a presentation, a wallet
 * error and a follow-up reach a session opened in L, S1, S2 or S3, and which key-binding
 * audience each accepts. Pure comparisons of facts with the context, like `rules.ts`.
 */

/** OpenID4VP §5.3, P-40: a response carries the `state` of the request it answers. */
function matchingState(c: SessionContext, state: string): EngineError | undefined {
  return state === c.request.state
    ? undefined
    : new InvalidRequest('state does not match the presentation request', 'OpenID4VP §5.3; P-40');
}

/**
 * Where the session's presentation goes to the verifier's response_uri of a request fetched by
 * reference: in L, and in the browser step of any dialect (issue 15: the browser's page shows that request).
 */
export function viaResponseUri(c: Pick<SessionContext, 'dialect' | 'browser'>): boolean {
  return c.dialect === 'L' || c.dialect === 'B' || c.browser !== undefined;
}

/** Issue 13 §4, §5: an S1/S2 request accepts `iae:` audiences, an S3 request `ia:` ones, an L request none but its client_id. */
export function requestFitsDialect(
  c: Pick<SessionContext, 'dialect'>,
  request: PresentationRequest,
): EngineError | undefined {
  const prefix = { L: undefined, B: undefined, S1: 'iae:', S2: 'iae:', S3: 'ia:' }[c.dialect];
  const audiences = request.audiences;
  const fits =
    prefix === undefined
      ? audiences === undefined
      : (audiences?.every((aud) => aud.startsWith(prefix) && aud !== request.verifierClientId) ?? false);
  return fits
    ? undefined
    : new InvalidRequest('the presentation request does not fit the dialect', 'issue 13 §5; protocol-ia.md §4');
}

/**
 * Issue 13 §1, protocol-ia.md §4: how a presentation reaches the session. L: at the
 * response_uri of a fetched request object, with its `state`, earning a pdis. S1/S2/S3: inside
 * the follow-up, with the caller's proof, earning the code at once (there is no pdis hop). The
 * browser step (issue 15): as in L, its pdis being the page's handle, which then earns the code.
 */
export function presentationCarrier(c: SessionContext, e: DataOf<'PresentationVerified'>, at: number) {
  if (viaResponseUri(c)) {
    if (e.caller || e.code || !e.pdis || e.state === undefined)
      return new InvalidRequest('in this dialect the presentation goes to the response_uri', 'PDI-DE; issue 13 §1');
    if (!c.request.retrieved)
      return new InvalidRequest('no pending presentation for this request', 'OpenID4VP §13.3 (single use)');
    if (c.browser && e.pdis.hash !== c.browser.page.hash)
      return new InvalidRequest('the browser step continues on its own page', 'issue 15; P-20');
    return matchingState(c, e.state) ?? deadlineAhead(at, e.pdis.expiresAt, 'pdis');
  }
  if (!e.caller || !e.code || e.pdis || e.state !== undefined)
    return new InvalidRequest('in this dialect the presentation comes inside the follow-up', 'protocol-ia.md §4');
  return deadlineAhead(at, e.code.expiresAt, 'code');
}

/**
 * P-41, CF-21; protocol-ia.md §4, §6 (the AS MUST verify the VP's audience binding): L accepts
 * only the request's client_id; S1/S2/S3 only the dialect's `iae:`/`ia:` audiences, never the
 * legacy client_id.
 */
export function keyBindingAudience(c: SessionContext, kbAud: string): EngineError | undefined {
  if (viaResponseUri(c))
    return kbAud === c.request.verifierClientId
      ? undefined
      : new InvalidRequest('key-binding JWT audience is not this verifier', 'P-41; CF-21');
  return kbAud !== c.request.verifierClientId && (c.request.audiences ?? []).includes(kbAud)
    ? undefined
    : new InvalidRequest('key-binding JWT audience is not this endpoint', 'P-41; protocol-ia.md §4 (iae:/ia: binding)');
}

/** The wallet's error: in any dialect inside a follow-up (the caller's binding is the command's); at the response_uri only in L, for a fetched request, with its `state`. */
export function walletErrorCarrier(c: SessionContext, e: DataOf<'WalletErrorReceived'>): EngineError | undefined {
  if (e.caller)
    return e.state === undefined ? undefined : new InvalidRequest('state is not part of a follow-up', 'FiPA §5.3');
  if (!viaResponseUri(c))
    return new InvalidRequest('in this dialect the error comes inside the follow-up', 'protocol-ia.md §2.3');
  if (!c.request.retrieved)
    return new InvalidRequest('no pending presentation for this request', 'OpenID4VP §13.3 (single use)');
  return matchingState(c, e.state ?? '');
}

/** Issue 13 §2: where a dialect's follow-ups go: S1/S2 to the IAE, L and S3 to the challenge endpoint. */
export function followUpEndpoint(dialect: Dialect): FollowUpEndpoint {
  return dialect === 'S1' || dialect === 'S2' ? 'iae' : 'challenge';
}

/** protocol-ia.md §5, FiPA §5.2.2.1.1: an interactive session whose wallet offered the browser step and sent a code_challenge. */
export function takesBrowserStep(c: SessionContext): boolean {
  return c.dialect !== 'L' && c.browserStepOffered === true && c.codeChallenge !== undefined;
}

/**
 * Issue 13 §1, §2: a follow-up comes the way its session's dialect says. L and S3 at the
 * challenge endpoint, S1 and S2 at the IAE; a pdis only in L, a carried presentation only in
 * S1/S2/S3. A follow-up of one dialect never advances a session of another.
 */
export function sameDialect(
  c: SessionContext,
  cmd: { endpoint: FollowUpEndpoint; pdisHash?: string; presentation?: unknown },
): EngineError | undefined {
  if (cmd.endpoint !== followUpEndpoint(c.dialect))
    return new InvalidSession('auth_session is not valid at this endpoint', 'issue 13 §2 (dispatch by dialect)');
  if (c.dialect === 'L' ? cmd.presentation !== undefined : cmd.pdisHash !== undefined)
    return new InvalidRequest(
      c.dialect === 'L'
        ? 'openid4vp_response is not part of this flow'
        : 'presentation_during_issuance_session is not part of this flow',
      'issue 13 §1 (one carrier per dialect)',
    );
  return undefined;
}
