import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { authorizationUrl, follow, readBrowserPage, runBrowserFlow } from '../../wallet/browser-flow.js';
import { InteractiveSteps } from '../../wallet/interactive-flow.js';

const REDIRECT_URI = 'http://127.0.0.1:9/wallet/callback';

/** The browser opens the authorization request of a pushed request_uri and lands on the browser step's page. */
async function openPage(server: RunningIssuer, clientId: string, requestUri: string) {
  const opened = await follow(fetch, authorizationUrl(`${server.url}/authorize`, clientId, requestUri), REDIRECT_URI);
  return readBrowserPage(opened.url, opened.html);
}

/** Issue 15 §1: the browser fallback over real HTTP (the browser's part by plain fetches; a real Chromium drives it in console.browser tests). */
describe('the browser fallback (issue 15; RFC 6749, RFC 9126, RFC 7636, RFC 9207)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ interactiveAuthorization: { iae: { enabled: true } } });
  });
  afterAll(() => server.stop());

  /** A browser-only initial request: the pushed request_uri, and the steps that made it (PKCE verifier). */
  async function pushed(redirectUri = REDIRECT_URI) {
    const wallet = await server.wallet();
    const steps = new InteractiveSteps(wallet, 'S3', true);
    const first = await steps.challenge({ scope: 'membership', redirect_uri: redirectUri });
    expect(first.status).toBe(401);
    return { wallet, steps, requestUri: String(first.body.request_uri), first };
  }
  const authorize = (clientId: string, requestUri: string) =>
    fetch(authorizationUrl(`${server.url}/authorize`, clientId, requestUri), { redirect: 'manual' });

  it.each([['S3'], ['S1'], ['S2']] as const)(
    'issue 15, protocol-ia.md §5 (%s): a wallet offering only the browser step gets a request_uri; the page, the presentation from a second device, the redirect with code and iss, the token with code_verifier, the credential',
    async (dialect) => {
      const wallet = await server.wallet();
      const steps: string[] = [];
      const credential = await runBrowserFlow(wallet, {
        dialect,
        scope: 'membership',
        configurationId: 'demo_membership',
        redirectUri: REDIRECT_URI,
        onStep: (step) => steps.push(step),
      });
      expect(credential).toContain('~');
      expect(steps).toContain('browser: redirected to the redirect_uri with code and iss');
    },
  );

  it('issue 15, RFC 9126 §2, RFC 9449 §10.1: a client that starts in the browser pushes its request (DPoP, PKCE, state); the redirect brings back its state, code and iss; the code is redeemed with the pushing key', async () => {
    const wallet = await server.wallet();
    const steps: string[] = [];
    const credential = await runBrowserFlow(wallet, {
      par: true,
      scope: 'membership',
      configurationId: 'demo_membership',
      redirectUri: REDIRECT_URI,
      onStep: (step) => steps.push(step),
    });
    expect(credential).toContain('~');
    expect(steps[0]).toBe('PAR: the pushed authorization request → request_uri');
  });

  it('RFC 9126 §2.1, RFC 9700 §2.1.1: a pushed request without PKCE, without or with a foreign redirect_uri, or without DPoP is refused', async () => {
    const wallet = await server.wallet();
    const par = (params: Record<string, string>, options?: Parameters<typeof wallet.form>[2]) =>
      wallet.form(
        `${server.url}/par`,
        { client_id: wallet.clientId, response_type: 'code', scope: 'membership', ...params },
        options,
      );
    const pkce = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
    for (const [params, options] of [
      [{ redirect_uri: REDIRECT_URI }, undefined],
      [pkce, undefined],
      [{ ...pkce, redirect_uri: 'http://evil.example/cb' }, undefined],
      [{ ...pkce, redirect_uri: REDIRECT_URI }, { dpopKey: null }],
    ] as const) {
      const answer = await par(params, options);
      expect([answer.status, answer.body.error]).toEqual([400, options ? 'invalid_dpop_proof' : 'invalid_request']);
    }
  });

  it('issue 15, RFC 9126 §4: the AS metadata advertises the authorization and PAR endpoints and RFC 9207 iss', async () => {
    const metadata = await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json();
    expect(metadata).toMatchObject({
      authorization_endpoint: `${server.url}/authorize`,
      pushed_authorization_request_endpoint: `${server.url}/par`,
      require_pushed_authorization_requests: true,
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('RFC 9126 §2.2, protocol-ia.md §5: a request_uri is single use: the second GET /authorize is refused with a page, not a redirect', async () => {
    const { wallet, requestUri } = await pushed();
    expect((await authorize(wallet.clientId, requestUri)).status).toBe(303);
    const again = await authorize(wallet.clientId, requestUri);
    expect(again.status).toBe(400);
    expect(again.headers.get('location')).toBeNull();
    expect(await again.text()).toContain('request_uri is unknown, used or expired');
  });

  it('RFC 9126 §2.2 (expires_in): an expired request_uri is refused', async () => {
    const { wallet, requestUri, first } = await pushed();
    server.clock.now += (Number(first.body.expires_in) + 1) * 1000;
    const late = await authorize(wallet.clientId, requestUri);
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('request_uri has expired');
  });

  it('RFC 9126 §4: a request_uri used with another client_id is refused, and stays usable by its own client', async () => {
    const { wallet, requestUri } = await pushed();
    const foreign = await authorize('another-wallet', requestUri);
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('client_id is not the client this request was pushed for');
    expect((await authorize(wallet.clientId, requestUri)).status).toBe(303);
  });

  it('RFC 8252 §7, RFC 6749 §4.1.2.1: a redirect_uri that is not https, loopback or a private-use scheme is never redirected to', async () => {
    const { wallet, requestUri } = await pushed('http://evil.example/callback');
    const refused = await authorize(wallet.clientId, requestUri);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect(await refused.text()).toContain('redirect_uri must be https');
  });

  it('RFC 7636 §4.6: the browser step’s code without, or with a wrong, code_verifier is refused at the token endpoint', async () => {
    const { wallet, steps, requestUri } = await pushed();
    const page = await openPage(server, wallet.clientId, requestUri);
    expect((await wallet.respond(await wallet.requestObject(page.requestUri))).status).toBe(200);
    const back = new URL((await follow(fetch, page.completeUrl, REDIRECT_URI)).url);
    const code = back.searchParams.get('code')!;
    expect(back.searchParams.get('iss')).toBe(server.url);
    const missing = await wallet.token(code);
    expect([missing.status, missing.body.error]).toEqual([400, 'invalid_grant']);
    const wrong = await wallet.token(code, { code_verifier: 'x'.repeat(43) });
    expect([wrong.status, wrong.body.error]).toEqual([400, 'invalid_grant']);
    expect(steps.codeVerifier).toHaveLength(43);
  });

  it('RFC 6749 §4.1.2.1: a presentation refused in the wallet ends the browser step with error=access_denied and iss at the redirect_uri', async () => {
    const { wallet, requestUri } = await pushed();
    const page = await openPage(server, wallet.clientId, requestUri);
    expect((await wallet.respond(await wallet.requestObject(page.requestUri), { error: 'access_denied' })).status).toBe(
      200,
    );
    const back = new URL((await follow(fetch, page.completeUrl, REDIRECT_URI)).url);
    expect([back.searchParams.get('error'), back.searchParams.get('iss')]).toEqual(['access_denied', server.url]);
  });

  it('issue 15, HTML §9.2: the page’s event stream answers its phase at once, then holds until the wallet moves it on', async () => {
    const { wallet, requestUri } = await pushed();
    const page = await openPage(server, wallet.clientId, requestUri);
    const events = page.completeUrl.replace('/browser/complete/', '/browser/events/');
    const first = await fetch(events);
    expect(first.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await first.text()).toContain('id: waiting\nevent: phase\ndata: {"phase":"waiting"');
    const held = fetch(events, { headers: { 'Last-Event-ID': 'waiting' } }).then((answer) => answer.text());
    await new Promise((resolve) => setTimeout(resolve, 300));
    await wallet.requestObject(page.requestUri);
    expect(await held).toContain('id: fetched\nevent: phase\ndata: {"phase":"fetched","done":false');
  });

  it('issue 15: the page has a strict CSP, is never framed or cached, and loads only its own script and stylesheet', async () => {
    const { wallet, requestUri } = await pushed();
    const answer = await fetch((await authorize(wallet.clientId, requestUri)).headers.get('location')!);
    expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const html = await answer.text();
    expect(html).toContain('<svg');
    expect([...html.matchAll(/(?:src|href)="(https?:[^"]+)"/g)].every((m) => m[1]!.startsWith(server.url))).toBe(true);
    expect((await fetch(`${server.url}/browser/assets/page.js`)).status).toBe(200);
  });
});

describe('the browser step after a failed in-wallet presentation (policy redirect_to_web)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ policy: { afterWalletError: 'redirect_to_web' } });
  });
  afterAll(() => server.stop());

  it('protocol-ia.md §5, issue 15: the wallet that declined in-band follows the pushed request_uri to the page, presents there, and gets its credential', async () => {
    const wallet = await server.wallet();
    const steps = new InteractiveSteps(wallet, 'S3');
    const first = await steps.challenge({ scope: 'membership', redirect_uri: REDIRECT_URI });
    const declined = await steps.respond(String(first.body.auth_session), await steps.request(first), {
      error: 'access_denied',
    });
    expect(declined.status).toBe(401);
    const requestUri = String(declined.body.request_uri);
    const page = await openPage(server, wallet.clientId, requestUri);
    expect((await wallet.respond(await wallet.requestObject(page.requestUri))).status).toBe(200);
    // The wallet's old auth_session no longer advances the session: it continues in the browser.
    const followUp = await steps.followUp(String(declined.body.auth_session));
    expect(followUp.status).toBe(400);
    const back = new URL((await follow(fetch, page.completeUrl, REDIRECT_URI)).url);
    const credential = await wallet.redeemAndIssue(back.searchParams.get('code')!, 'demo_membership', undefined, {
      codeVerifier: steps.codeVerifier,
      redirectUri: REDIRECT_URI,
    });
    expect(credential).toContain('~');
  });
});
