import { createHash, randomBytes } from 'node:crypto';
import { InteractiveSteps, type InteractiveDialect } from './interactive-flow.js';
import { type ReferenceWallet, stepCheck } from './reference-wallet.js';

/** What the browser step's page offers (issue 15): the OpenID4VP request its QR code encodes, and where it continues. */
export interface BrowserPage {
  url: string;
  requestUri: string;
  completeUrl: string;
}

/** RFC 9126 §4: the authorization request a wallet opens in a browser for a pushed request_uri. */
export function authorizationUrl(authorizationEndpoint: string, clientId: string, requestUri: string): string {
  const url = new URL(authorizationEndpoint);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('request_uri', requestUri);
  return url.toString();
}

/** Reads the page as a person's browser shows it: the QR code's request (its `data-request-uri`) and the continue link. */
export function readBrowserPage(url: string, html: string): BrowserPage {
  const requestUri = /data-request-uri="([^"]+)"/.exec(html)?.[1];
  const completeUrl = /data-complete="([^"]+)"/.exec(html)?.[1];
  if (!requestUri || !completeUrl) throw new Error(`the browser step's page shows no request: ${url}`);
  const unescapeHtml = (value: string) =>
    value
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'");
  return { url, requestUri: unescapeHtml(requestUri), completeUrl: unescapeHtml(completeUrl) };
}

/** A browser without a person: it follows the issuer's redirects and stops at the first one elsewhere (the redirect_uri). */
export async function follow(
  browser: typeof fetch,
  url: string,
  stopAt: string,
): Promise<{ url: string; html: string }> {
  let current = url;
  for (let hop = 0; hop < 5; hop++) {
    if (current.startsWith(stopAt)) return { url: current, html: '' };
    const answer = await browser(current, { redirect: 'manual' });
    const location = answer.headers.get('location');
    if (answer.status !== 303 || !location) return { url: current, html: await answer.text() };
    current = new URL(location, current).toString();
  }
  throw new Error(`too many redirects from ${url}`);
}

/** How the wallet got its pushed request_uri, and what it redeems the code with. */
interface Pushed {
  requestUri: string;
  codeVerifier: string;
  credentialIssuer: string;
  asMetadata: Record<string, unknown>;
  /** RFC 6749 §10.12: what the redirect must bring back, when the request sent one. */
  state?: string;
}

/** Issue 15, RFC 9126 §2: a client that starts in the browser pushes its authorization request (with DPoP, PKCE, state). */
async function pushAuthorizationRequest(
  wallet: ReferenceWallet,
  options: { scope: string; redirectUri: string },
  expect: ReturnType<typeof stepCheck>,
): Promise<Pushed> {
  const codeVerifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const { authorizationServer } = await wallet.metadata();
  const pushed = await wallet.form(String(authorizationServer.body.pushed_authorization_request_endpoint), {
    client_id: wallet.clientId,
    response_type: 'code',
    scope: options.scope,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    redirect_uri: options.redirectUri,
    state,
  });
  expect(pushed, 201, 'PAR: the pushed authorization request → request_uri');
  return {
    requestUri: String(pushed.body.request_uri),
    codeVerifier,
    credentialIssuer: wallet.issuerUrl,
    asMetadata: authorizationServer.body,
    state,
  };
}

/** Issue 15, protocol-ia.md §5: an interactive wallet that offers only the browser step gets the request_uri in its first answer. */
async function offerBrowserStepOnly(
  wallet: ReferenceWallet,
  options: { dialect?: InteractiveDialect; scope: string; redirectUri: string; browser: typeof fetch },
  expect: ReturnType<typeof stepCheck>,
): Promise<Pushed> {
  const steps = new InteractiveSteps(wallet, options.dialect, true);
  const first = await steps.challenge({ scope: options.scope, redirect_uri: options.redirectUri });
  expect(first, steps.interactionStatus, `${steps.dialect} initial request (browser step only) → request_uri`);
  const asMetadata =
    steps.dialect === 'S3'
      ? (await wallet.metadata()).authorizationServer.body
      : ((await (
          await options.browser(`${wallet.issuerUrl}/.well-known/oauth-authorization-server/iae`)
        ).json()) as Record<string, unknown>);
  return {
    requestUri: String(first.body.request_uri),
    codeVerifier: steps.codeVerifier,
    credentialIssuer: steps.credentialIssuer,
    asMetadata,
  };
}

/**
 * The browser fallback end to end (issue 15; protocol-ia.md §5, RFC 9126): the wallet gets a pushed
 * request_uri (offering only the browser step, or by PAR), opens the authorization endpoint with it,
 * presents the request the page shows (as a second device would, scanning the QR code), continues
 * the page, and redeems the code of the redirect with its code_verifier.
 */
export async function runBrowserFlow(
  wallet: ReferenceWallet,
  options: {
    dialect?: InteractiveDialect;
    /** Start with a pushed authorization request (RFC 9126) instead of an interactive dialect's first call. */
    par?: boolean;
    scope: string;
    configurationId: string;
    redirectUri: string;
    onStep?: (step: string, detail: unknown) => void;
    /** The browser's own fetch (not the wallet's): the global one by default. */
    browser?: typeof fetch;
    /** Told the page's URL before the wallet presents (a person may open it and watch). */
    onPage?: (pageUrl: string) => Promise<void>;
  },
): Promise<string> {
  const report = options.onStep ?? (() => undefined);
  const expect = stepCheck(report);
  const browser = options.browser ?? fetch;
  const { requestUri, codeVerifier, credentialIssuer, asMetadata, state } = options.par
    ? await pushAuthorizationRequest(wallet, options, expect)
    : await offerBrowserStepOnly(wallet, { ...options, browser }, expect);
  const authorize = authorizationUrl(String(asMetadata.authorization_endpoint), wallet.clientId, requestUri);
  const opened = await follow(browser, authorize, options.redirectUri);
  const page = readBrowserPage(opened.url, opened.html);
  report('browser: the page shows the QR code of an OpenID4VP request', { request: page.requestUri });
  await options.onPage?.(page.url);
  const request = await wallet.requestObject(page.requestUri);
  const presented = await wallet.respond(request);
  expect(presented, 200, 'second device: the presentation to the response_uri');
  const back = await follow(browser, page.completeUrl, options.redirectUri);
  const redirect = new URL(back.url);
  const code = redirect.searchParams.get('code');
  // RFC 9207 §2.4: the response names the authorization server the wallet asked.
  if (state !== undefined && redirect.searchParams.get('state') !== state)
    throw new Error(`browser: the redirect does not bring back the request's state: ${back.url}`);
  if (!code || redirect.searchParams.get('iss') !== asMetadata.issuer)
    throw new Error(`browser: the redirect carries no code from ${String(asMetadata.issuer)}: ${back.url}`);
  report('browser: redirected to the redirect_uri with code and iss', { iss: redirect.searchParams.get('iss') });
  return wallet.redeemAndIssue(code, options.configurationId, report, {
    credentialIssuer,
    codeVerifier,
    redirectUri: options.redirectUri,
  });
}
