import type { SessionContext } from './context.js';
import { deadlineAhead } from './deadlines.js';
import { requestFitsDialect } from './dialect-rules.js';
import { type EngineError, firstError, InvalidRequest, InvalidSession } from './errors.js';
import type { DataOf } from './events.js';

/** The rules of the browser step (issue 15): pure comparisons of facts with the context, like `rules.ts`. */

/**
 * Issue 15: what only the browser step's page does (it proves no caller: a browser holds no DPoP key)
 * happens only in a browser step, and a wallet's follow-up never advances a session gone to the browser.
 */
export function byPage(c: SessionContext, fromPage: boolean): EngineError | undefined {
  if (fromPage === (c.browser !== undefined)) return undefined;
  return fromPage
    ? new InvalidRequest('no browser step is under way for this session', 'issue 15')
    : new InvalidSession('the session continues in the browser', 'issue 15; protocol-ia.md §5');
}

/**
 * RFC 9126 §2.2, §4: the pushed request_uri starts the browser step once, before it expires, for the
 * redirect_uri the authorization request registered; the page's request goes by reference (as in L).
 */
export function browserStepStarted(
  c: SessionContext,
  e: DataOf<'BrowserStepStarted'>,
  at: number,
): EngineError | undefined {
  return firstError(
    () =>
      !c.browserStep || e.requestUriHash !== c.browserStep.hash
        ? new InvalidRequest('request_uri was not pushed for this session', 'RFC 9126 §4; issue 15')
        : undefined,
    () =>
      c.browserStep && at >= c.browserStep.expiresAt
        ? new InvalidRequest('request_uri has expired', 'RFC 9126 §2.2; protocol-ia.md §5')
        : undefined,
    () =>
      c.redirectUri !== undefined && e.redirectUri !== c.redirectUri
        ? new InvalidRequest('redirect_uri differs from the authorization request', 'RFC 6749 §3.1.2; RFC 9126 §4')
        : undefined,
    () => deadlineAhead(at, e.page.expiresAt, 'page'),
    () => deadlineAhead(at, e.request.expiresAt, 'request'),
    () => requestFitsDialect({ dialect: 'L' }, e.request),
  );
}
