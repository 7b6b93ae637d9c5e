/**
 * `npm run screenshots`: the session console's pages (list, one session, overview) and the browser
 * step's page as PNGs in docs/screenshots/, from a demo issuer on loopback with a few flows run by the
 * reference wallet (one completed, one left at the presentation, one refused request, one in the
 * browser step), in headless Chromium.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { completedFlow, untilPresentation } from '../testing/flow-steps.js';
import { authorizationUrl } from '../wallet/browser-flow.js';
import { InteractiveSteps } from '../wallet/interactive-flow.js';
import { startIssuer } from '../testing/issuer-server.js';
import { launchChromium } from '../test/support/browser.js';
import { consoleAt } from '../test/support/console-pages.js';

const adminToken = 'admin-token-for-the-screenshots';
const out = join(import.meta.dirname, '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const server = await startIssuer({ adminToken });
const browser = await launchChromium();
try {
  const { sessionId: completed } = await completedFlow(await server.wallet());
  for (let i = 0; i < 2; i++) await completedFlow(await server.wallet());
  await untilPresentation(await server.wallet());
  await fetch(`${server.url}/token`, { method: 'POST', body: 'grant_type=authorization_code&code=x' });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const admin = consoleAt(server.url, context);
  const page = await admin.logIn(adminToken);
  await page.screenshot({ path: join(out, 'sessions.png'), fullPage: true });
  await page.goto(admin.sessionUrl(completed));
  await page.screenshot({ path: join(out, 'session.png'), fullPage: true });
  await page.goto(`${admin.root}/overview`);
  await page.screenshot({ path: join(out, 'overview.png'), fullPage: true });
  const wallet = await server.wallet();
  const browserOnly = new InteractiveSteps(wallet, 'S3', true);
  const pushed = await browserOnly.challenge({ scope: 'membership', redirect_uri: 'http://127.0.0.1/wallet/callback' });
  const step = await (await browser.newContext({ viewport: { width: 900, height: 1000 } })).newPage();
  await step.goto(authorizationUrl(`${server.url}/authorize`, wallet.clientId, String(pushed.body.request_uri)));
  await step.screenshot({ path: join(out, 'browser-step.png'), fullPage: true });
  console.log(`screenshots in ${out}: sessions.png, session.png, overview.png, browser-step.png`);
} finally {
  await browser.close();
  await server.stop();
}
