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

/**
 * The browser fallback end to end (issue 15; protocol-ia.md §5): the wallet offers only the browser
 * step (with PKCE and its redirect_uri), opens the authorization endpoint with the pushed
 * request_uri, presents the request the page shows (as a second device would, scanning the QR
 * code), continues the page, and redeems the code of the redirect with its code_verifier.
 */
export async function runBrowserFlow(
  wallet: ReferenceWallet,
  options: {
    dialect?: InteractiveDialect;
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
  const steps = new InteractiveSteps(wallet, options.dialect, true);
  const first = await steps.challenge({ scope: options.scope, redirect_uri: options.redirectUri });
  expect(first, steps.interactionStatus, `${steps.dialect} initial request (browser step only) → request_uri`);
  const { authorizationServer } = await wallet.metadata();
  const asMetadata =
    steps.dialect === 'S3'
      ? authorizationServer.body
      : ((await (await browser(`${wallet.issuerUrl}/.well-known/oauth-authorization-server/iae`)).json()) as Record<
          string,
          unknown
        >);
  const authorize = authorizationUrl(
    String(asMetadata.authorization_endpoint),
    wallet.clientId,
    String(first.body.request_uri),
  );
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
  if (!code || redirect.searchParams.get('iss') !== asMetadata.issuer)
    throw new Error(`browser: the redirect carries no code from ${String(asMetadata.issuer)}: ${back.url}`);
  report('browser: redirected to the redirect_uri with code and iss', { iss: redirect.searchParams.get('iss') });
  return wallet.redeemAndIssue(code, options.configurationId, report, {
    credentialIssuer: steps.credentialIssuer,
    codeVerifier: steps.codeVerifier,
    redirectUri: options.redirectUri,
  });
}
