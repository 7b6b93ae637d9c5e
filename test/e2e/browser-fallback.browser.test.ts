import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/cluster.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { authorizationUrl } from '../../wallet/browser-flow.js';
import { InteractiveSteps } from '../../wallet/interactive-flow.js';
import { launchChromium } from '../support/browser.js';

/** Issue 15 (tests in a real browser): the browser fallback in headless Chromium, the wallet scripted beside it. */
describe('the browser step in headless Chromium (issue 15)', () => {
  let server: RunningIssuer;
  let browser: Browser;
  /** The wallet app's loopback redirect_uri (RFC 8252 §7.3): a listener of its own, as a native app has. */
  let CALLBACK: string;
  let callback: Server;
  beforeAll(async () => {
    server = await startIssuer();
    const port = await freePort();
    CALLBACK = `http://127.0.0.1:${port}/wallet/callback`;
    callback = createServer((_, response) => response.end('back in the wallet')).listen(port, '127.0.0.1');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await new Promise((resolve) => callback.close(resolve));
    await browser.close();
    await server.stop();
  });

  it('issue 15, RFC 6749 §4.1.2, RFC 9207: the page shows a QR code; the wallet scans its request and presents; the page follows by itself and redirects with code and iss; the token is redeemed', async () => {
    const wallet = await server.wallet();
    const steps = new InteractiveSteps(wallet, 'S3', true);
    const first = await steps.challenge({ scope: 'membership', redirect_uri: CALLBACK });
    expect(first.status).toBe(401);
    const page = await (await browser.newContext()).newPage();
    await page.goto(authorizationUrl(`${server.url}/authorize`, wallet.clientId, String(first.body.request_uri)));
    expect(await page.locator('#qr svg').isVisible()).toBe(true);
    expect(await page.locator('#progress').textContent()).toContain('Waiting for your wallet');
    const scanned = (await page.locator('#qr').getAttribute('data-request-uri'))!;
    expect(await page.locator('#same-device').getAttribute('href')).toBe(scanned);
    const request = await wallet.requestObject(scanned);
    // A live page: its progress follows the wallet (the page script polls the status).
    await page.waitForFunction(() => document.getElementById('progress')?.textContent?.includes('has the request'));
    expect((await wallet.respond(request)).status).toBe(200);
    await page.waitForURL(`${CALLBACK}**`, { timeout: 10_000 });
    const back = new URL(page.url());
    expect(back.searchParams.get('iss')).toBe(server.url);
    const credential = await wallet.redeemAndIssue(back.searchParams.get('code')!, 'demo_membership', undefined, {
      codeVerifier: steps.codeVerifier,
      redirectUri: CALLBACK,
    });
    expect(credential).toContain('~');
  });

  it('issue 15, RFC 9126 §2.2: a reused request_uri shows an error page in the browser and is not redirected', async () => {
    const wallet = await server.wallet();
    const steps = new InteractiveSteps(wallet, 'S3', true);
    const first = await steps.challenge({ scope: 'membership', redirect_uri: CALLBACK });
    const url = authorizationUrl(`${server.url}/authorize`, wallet.clientId, String(first.body.request_uri));
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    const again = await page.goto(url);
    expect(again?.status()).toBe(400);
    expect(await page.locator('h1').textContent()).toBe('This sign-in cannot continue');
    expect(page.url()).toBe(url);
  });
});
