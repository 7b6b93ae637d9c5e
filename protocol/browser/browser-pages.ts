import { isLeft } from 'fp-ts/lib/Either.js';
import QRCode from 'qrcode';
import { contextOf, type SessionContext, type SessionState, stateName } from '../../engine/index.js';
import { hashSecret, newHandle, sessionOfHandle } from '../handles.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../messages.js';
import { presentationUri } from '../openid4vp/request-object.js';
import { escapeHtml, page, PAGE_HEADERS } from './html.js';
import { authorizationResponse } from './redirect-uri.js';

const html = (status: number, body: string): ProtocolResponse => ({ status, headers: { ...PAGE_HEADERS }, body });
const seeOther = (location: string): ProtocolResponse => ({
  status: 303,
  headers: { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
  body: '',
});

/** RFC 6749 §4.1.2.1: an error the browser is not redirected for, in plain words. */
export function errorPage(ctx: IssuerContext, status: number, message: string): ProtocolResponse {
  const body = `<p class="error">${escapeHtml(message)}</p><p>Go back to your wallet and start again.</p>`;
  return html(
    status,
    page({ title: 'This sign-in cannot continue', body, assets: endpoints(ctx.config).browserAssets }),
  );
}

/** The session of a page handle, if the handle is the page of its browser step. */
async function pageSession(ctx: IssuerContext, handle: string): Promise<SessionState | undefined> {
  const sessionId = sessionOfHandle(handle);
  if (!sessionId) return undefined;
  const state = await ctx.engine.load(sessionId, { fresh: true });
  return contextOf(state).browser?.page.hash === hashSecret(handle) ? state : undefined;
}

type Phase = 'waiting' | 'fetched' | 'verified' | 'failed' | 'over';

function phaseOf(state: SessionState, now: number): Phase {
  const name = stateName(state);
  const c = contextOf(state);
  if (name === 'presentationVerified') return 'verified';
  if (name === 'walletErrored') return 'failed';
  if (name === 'presentationRequired' || name === 'requestRetrieved')
    return now >= c.request.expiresAt ? 'failed' : name === 'requestRetrieved' ? 'fetched' : 'waiting';
  return 'over';
}

const MESSAGES: Record<Phase, string> = {
  waiting: 'Waiting for your wallet: scan the code, or open your wallet on this device.',
  fetched: 'Your wallet has the request. Confirm the presentation in your wallet.',
  verified: 'Your credential is verified. Continuing…',
  failed: 'The presentation did not succeed. Continue to return to your wallet.',
  over: 'This step is over. Go back to your wallet.',
};

async function requestSection(ctx: IssuerContext, c: SessionContext): Promise<string> {
  const uri = presentationUri(c.request.verifierClientId, endpoints(ctx.config).requestObject(c.request.requestId));
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return `<p>Present your PID from your wallet to continue.</p>
<div class="qr" id="qr" data-request-uri="${escapeHtml(uri)}">${svg}</div>
<p>On a phone or a computer with a wallet: scan this code with the wallet.</p>
<div class="actions"><a class="button" id="same-device" href="${escapeHtml(uri)}">Open my wallet on this device</a></div>`;
}

/**
 * GET /browser/page/<page> (issue 15): the browser step's page. While the presentation is awaited,
 * an OpenID4VP request by reference to our verifier, as a QR code (cross-device) and an
 * `openid4vp://` link (same-device); its progress in plain words; a refresh button and a continue
 * link that work without JavaScript; the page script polls the status and continues by itself.
 */
export async function handleBrowserPage(ctx: IssuerContext, handle: string): Promise<ProtocolResponse> {
  const state = await pageSession(ctx, handle);
  if (!state) return errorPage(ctx, 404, 'This page is unknown or has expired.');
  const urls = endpoints(ctx.config);
  const phase = phaseOf(state, ctx.now());
  const waiting = phase === 'waiting' || phase === 'fetched';
  const request = waiting ? await requestSection(ctx, contextOf(state)) : '';
  const next =
    phase === 'over'
      ? ''
      : `<a class="button${waiting ? ' secondary' : ''}" id="continue" href="${escapeHtml(urls.browserComplete(handle))}">Continue</a>`;
  const body = `<p id="progress">${escapeHtml(MESSAGES[phase])}</p>
${request}
<div class="actions">${next}<a class="button secondary" id="refresh" href="${escapeHtml(urls.browserPage(handle))}">Refresh</a></div>`;
  const live =
    phase === 'over'
      ? undefined
      : {
          status: urls.browserStatus(handle),
          events: urls.browserEvents(handle),
          complete: urls.browserComplete(handle),
        };
  return html(200, page({ title: 'Present your PID', body, assets: urls.browserAssets, ...(live && { live }) }));
}

const statusOf = (phase: Phase) => ({
  phase,
  done: phase === 'verified' || phase === 'failed',
  message: MESSAGES[phase],
});

/** GET /browser/status/<page>: where the browser step is, for the page script (the polling fallback of issue 15). */
export async function handleBrowserStatus(ctx: IssuerContext, handle: string): Promise<ProtocolResponse> {
  const state = await pageSession(ctx, handle);
  if (!state) return jsonResponse(404, { error: 'invalid_request', error_description: 'unknown page' });
  return jsonResponse(200, statusOf(phaseOf(state, ctx.now())));
}

/** How long one event-stream response waits for the step to move on, how often it looks, and the browser's reconnection delay. */
const HOLD_MS = 8_000;
const LOOK_MS = 500;
const RETRY_MS = 250;

/**
 * GET /browser/events/<page> (issue 15: the page learns of the result by server-sent events, HTML §9.2):
 * the step's phase as an event whenever it differs from the browser's `Last-Event-ID` (the phase it
 * last saw), waiting up to `HOLD_MS` for it to move on, then the response ends and the browser
 * reconnects; no transport needs streaming for it. The page falls back to the status endpoint.
 */
export async function handleBrowserEvents(
  ctx: IssuerContext,
  request: ProtocolRequest,
  handle: string,
): Promise<ProtocolResponse> {
  const seen = request.headers.get('last-event-id');
  const until = Date.now() + (seen === null ? 0 : HOLD_MS);
  let state = await pageSession(ctx, handle);
  if (!state) return jsonResponse(404, { error: 'invalid_request', error_description: 'unknown page' });
  let phase = phaseOf(state, ctx.now());
  while (phase === seen && phase !== 'over' && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, LOOK_MS));
    state = (await pageSession(ctx, handle)) ?? state;
    phase = phaseOf(state, ctx.now());
  }
  const lines = [`retry: ${RETRY_MS}`, `id: ${phase}`];
  if (phase !== seen) lines.push('event: phase', `data: ${JSON.stringify(statusOf(phase))}`);
  return {
    status: 200,
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' },
    body: `${lines.join('\n')}\n\n`,
  };
}

/** RFC 9207 §2: the `iss` of the authorization response, the identifier under which the wallet found this AS. */
function issuerOf(ctx: IssuerContext, c: SessionContext): string {
  const urls = endpoints(ctx.config);
  return c.dialect === 'S1' || c.dialect === 'S2' ? urls.iaeIssuer : urls.issuer;
}

/**
 * GET /browser/complete/<page> (issue 15; RFC 6749 §4.1.2, §4.1.2.1, RFC 9207): the end of the browser
 * step. A verified presentation earns the code, sent to the redirect_uri with `iss`; a failed or
 * timed-out one is `access_denied` there; a step still waiting sends the browser back to its page.
 */
export async function handleBrowserComplete(ctx: IssuerContext, handle: string): Promise<ProtocolResponse> {
  const state = await pageSession(ctx, handle);
  if (!state) return errorPage(ctx, 404, 'This page is unknown or has expired.');
  const c = contextOf(state);
  const code = newHandle(ctx.ids, c.sessionId);
  const outcome = await ctx.engine.execute({
    type: 'CompleteBrowserStep',
    eventId: ctx.ids.eventId(),
    sessionId: c.sessionId,
    at: ctx.now(),
    pageHash: hashSecret(handle),
    codeHash: hashSecret(code),
  });
  if (isLeft(outcome)) return errorPage(ctx, 400, outcome.left.error.description);
  const event = outcome.right.event;
  const redirectUri = c.browser!.redirectUri;
  const iss = issuerOf(ctx, c);
  // RFC 6749 §4.1.2: the client's state comes back with the code or the error.
  const echoed: Record<string, string> = c.clientState === undefined ? {} : { state: c.clientState };
  if (event?.type === 'AuthorizationCodeIssued')
    return seeOther(authorizationResponse(redirectUri, { code, ...echoed, iss }));
  if (event?.type === 'Denied')
    return seeOther(
      authorizationResponse(redirectUri, {
        error: 'access_denied',
        error_description: 'the presentation did not succeed',
        ...echoed,
        iss,
      }),
    );
  return seeOther(endpoints(ctx.config).browserPage(handle));
}
