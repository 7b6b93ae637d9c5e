import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fold, stateName } from '../../engine/index.js';
import type { AuditLine } from '../../protocol/endpoints/admin-auth.js';
import { completedFlow as completedFlowOf, untilPresentation, untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { DEMO_PERSON } from '../../wallet/demo-pid-issuer.js';
import { launchChromium } from '../support/browser.js';
import { consoleAt, shownState } from '../support/console-pages.js';

const adminToken = 'admin-token-for-console-tests-1';
const sessionOf = (authSession: string) => authSession.split('.')[0]!;

describe('issue 15 §2: the session console in headless Chromium', () => {
  const lines: AuditLine[] = [];
  let server: RunningIssuer;
  let browser: Browser;
  let context: BrowserContext;
  let admin: ReturnType<typeof consoleAt>;

  /** A completed flow: its session id and credential. */
  const completedFlow = async () => {
    const wallet = await server.wallet();
    return { ...(await completedFlowOf(wallet)), wallet };
  };

  beforeAll(async () => {
    server = await startIssuer(
      { adminToken, rateLimits: { adminFailuresPerMinute: 20 }, statusList: { ttlSeconds: 2 } },
      {
        logger: {
          info: (_, fields) => fields?.audit === 'admin' && lines.push(fields as AuditLine),
          warn: () => {},
          error: () => {},
        },
      },
    );
    browser = await launchChromium();
    context = await browser.newContext();
    admin = consoleAt(server.url, context);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('issue 15 §2, issue 10 §4: the login refuses a wrong token (401, audited as bad_token, no token logged) and the right one sets an HttpOnly, SameSite=Strict cookie under /admin/console', async () => {
    const fresh = await browser.newContext();
    const page = await consoleAt(server.url, fresh).logIn(`${adminToken}x`);
    expect(await page.textContent('[role=alert]')).toContain('not the admin token');
    expect(lines.at(-1)).toMatchObject({ action: 'refused', endpoint: 'console', reason: 'bad_token' });
    expect(JSON.stringify(lines)).not.toContain(adminToken.slice(0, 20));
    await page.fill('input[name=token]', adminToken);
    const [answer] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(new URL(page.url()).pathname).toBe('/admin/console/sessions');
    expect(lines.at(-1)).toMatchObject({ action: 'console_login', endpoint: 'console' });
    const cookies = await fresh.cookies();
    expect(cookies).toEqual([
      expect.objectContaining({
        name: 'pdi_console',
        httpOnly: true,
        sameSite: 'Strict',
        path: '/admin/console',
        secure: false,
      }),
    ]);
    const pageHeaders = answer!.headers();
    expect(pageHeaders['cache-control']).toBe('no-store');
    expect(pageHeaders['content-security-policy']).toContain("default-src 'none'; script-src 'self'");
    expect(pageHeaders['x-frame-options']).toBe('DENY');
    await fresh.close();
  });

  it('issue 15 §2, OWASP CSRF synchronizer token: a POST without, or with a wrong, CSRF token is refused 403, audited, and changes nothing', async () => {
    const wallet = await server.wallet();
    const { authSession } = await untilPresentation(wallet);
    const sessionId = sessionOf(authSession);
    const page = await admin.logIn(adminToken);
    await page.goto(admin.sessionUrl(sessionId));
    // The erase form without its token, as a forged form would come.
    await page.evaluate(() => document.querySelector('form[action$="/erase"] input[name=csrf]')?.remove());
    const [missing] = await Promise.all([page.waitForNavigation(), page.click('button[data-action=erase]')]);
    expect(missing!.status()).toBe(403);
    expect(lines.at(-1)).toMatchObject({ action: 'refused', endpoint: 'console', reason: 'bad_csrf' });
    const wrong = await context.request.post(`${admin.root}/erase`, {
      form: { session_id: sessionId, csrf: 'not-the-sessions-token' },
      maxRedirects: 0,
    });
    expect(wrong.status()).toBe(403);
    const login = await context.request.post(`${admin.root}/login`, { form: { token: adminToken }, maxRedirects: 0 });
    expect(login.status()).toBe(403);
    expect(stateName(fold(await server.internals.engine.store.read(sessionId)))).toBe('requestRetrieved');
    await page.close();
  });

  it("issue 15 §2: a finished session's page lists its events in order, only ids, hashes and times, and the machine SVG (from engine/machine.ts) highlights its final state, completed", async () => {
    const { sessionId, wallet } = await completedFlow();
    const page = await admin.logIn(adminToken);
    await page.goto(admin.sessionUrl(sessionId));
    const shown = await page.$$eval('table.timeline tbody tr', (rows) =>
      rows.map((row) => row.getAttribute('data-event-type')),
    );
    expect(shown).toEqual([
      'ChallengeReceived',
      'RequestObjectRetrieved',
      'PresentationVerified',
      'AuthorizationCodeIssued',
      'TokenIssued',
      'CNonceBound',
      'CredentialIssued',
    ]);
    expect(shown).toEqual((await server.internals.engine.store.read(sessionId)).map((event) => event.type));
    expect(await shownState(page)).toBe('completed');
    expect(
      await page.$$eval('svg.machine g.current', (nodes) => nodes.map((n) => n.getAttribute('data-state'))),
    ).toEqual(['completed']);
    const visited = await page.$$eval('svg.machine path.edge.visited', (edges) =>
      edges.map((e) => e.getAttribute('data-transition')),
    );
    expect(visited).toEqual(
      expect.arrayContaining(['idle>presentationRequired', 'codeIssued>tokenIssued', 'tokenIssued>completed']),
    );
    expect(await page.getAttribute('[data-findings]', 'data-findings')).toBe('0');
    const text = await page.content();
    for (const secret of [
      'sealedClaims',
      'sealedErrorDescription',
      DEMO_PERSON.given_name,
      DEMO_PERSON.family_name,
      wallet.clientId,
      adminToken,
    ])
      expect(text).not.toContain(secret);
    await page.close();
  });

  it('issue 15 §2, HTML §9.2 server-sent events: a live session’s page updates, without a reload, as the reference wallet advances it', async () => {
    const wallet = await server.wallet();
    const start = await untilPresentation(wallet);
    const sessionId = sessionOf(start.authSession);
    const page = await admin.logIn(adminToken);
    await page.goto(admin.sessionUrl(sessionId));
    expect(await shownState(page)).toBe('requestRetrieved');
    await page.waitForSelector('.live-status.on');
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    expect((await wallet.respond(start.request)).status).toBe(200);
    await page.waitForSelector('main .state-name[data-state=presentationVerified]', { timeout: 10_000 });
    expect(await page.$$eval('table.timeline tbody tr', (rows) => rows.at(-1)?.getAttribute('data-event-type'))).toBe(
      'PresentationVerified',
    );
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.close();
  });

  it('issue 15 §2, seed 002 §3.3: erase from the console ends the session (the same erasure as the admin API), audited', async () => {
    const { authSession } = await untilToken(await server.wallet());
    const sessionId = sessionOf(authSession);
    const page = await admin.logIn(adminToken);
    await page.goto(admin.sessionUrl(sessionId));
    await Promise.all([page.waitForNavigation(), page.click('button[data-action=erase]')]);
    expect(await page.textContent('.notice')).toContain('erased');
    expect(await shownState(page)).toBe('erased');
    expect(stateName(fold(await server.internals.engine.store.read(sessionId)))).toBe('erased');
    expect(lines.at(-1)).toMatchObject({ action: 'session_erased', endpoint: 'console', sessionId });
    await page.close();
  });

  it('issue 15 §2, I-30: revoke from the console changes the status list the issuer serves', async () => {
    const { sessionId, credential } = await completedFlow();
    const { uri, idx } = (
      decodeJwt(credential.split('~')[0]!) as { status: { status_list: { uri: string; idx: number } } }
    ).status.status_list;
    expect(getListFromStatusListJWT(await (await fetch(uri)).text()).getStatus(idx)).toBe(0);
    const page = await admin.logIn(adminToken);
    await page.goto(admin.sessionUrl(sessionId));
    await Promise.all([page.waitForNavigation(), page.click('button[data-action=revoked]')]);
    expect(await page.textContent('.notice')).toContain('revoked');
    expect(lines.at(-1)).toMatchObject({
      action: 'credential_status_changed',
      endpoint: 'console',
      status: 'revoked',
      changed: '1',
    });
    server.clock.now += 1_500; // past ttl/2: the served token is built again
    expect(getListFromStatusListJWT(await (await fetch(uri)).text()).getStatus(idx)).toBe(1);
    await page.close();
  });

  it('issue 15 §2 overview: it counts flows started and completed, and the refusals by error code', async () => {
    const page = await admin.logIn(adminToken);
    const totals = async () => {
      await page.goto(`${admin.root}/overview`);
      const cells = await page.$$eval('[data-total]', (tds) =>
        tds.map((td) => [td.getAttribute('data-total'), Number(td.textContent)]),
      );
      return Object.fromEntries(cells) as Record<'started' | 'completed' | 'refused', number>;
    };
    const before = await totals();
    await completedFlow();
    const refusal = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=not-a-code',
    });
    const { error } = (await refusal.json()) as { error: string };
    await expect
      .poll(totals)
      .toEqual({ started: before.started + 1, completed: before.completed + 1, refused: before.refused + 1 });
    expect(Number(await page.textContent(`tr[data-code="${error}"] td:last-child`))).toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it('issue 15 §2 list: it filters by state: completed shows completed sessions only', async () => {
    const { sessionId: completed } = await completedFlow();
    const open = sessionOf((await untilPresentation(await server.wallet())).authSession);
    const page = await admin.logIn(adminToken);
    const all = await page.$$eval('table.sessions tbody tr[data-session]', (rows) =>
      rows.map((r) => r.getAttribute('data-session')),
    );
    expect(all).toEqual(expect.arrayContaining([completed, open]));
    await page.selectOption('select[name=state]', 'completed');
    await Promise.all([page.waitForNavigation(), page.click('form.filters button')]);
    const rows = await page.$$eval('table.sessions tbody tr[data-session]', (trs) =>
      trs.map((r) => [r.getAttribute('data-session'), r.getAttribute('data-state')]),
    );
    expect(rows.map(([id]) => id)).toContain(completed);
    expect(rows.map(([id]) => id)).not.toContain(open);
    expect(new Set(rows.map(([, state]) => state))).toEqual(new Set(['completed']));
    await page.close();
  });
});
