import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_ADMIN_TOKEN, startCluster, type Cluster } from '../../testing/cluster.js';
import { untilPresentation } from '../../testing/flow-steps.js';
import { launchChromium } from '../support/browser.js';
import { consoleAt, shownState } from '../support/console-pages.js';

/** Issue 15 §2 on JetStream: each engine's console follows every engine's events (the core-NATS domain events). */
describe('the session console on two engines sharing JetStream', () => {
  let cluster: Cluster;
  let browser: Browser;
  beforeAll(async () => {
    [cluster, browser] = await Promise.all([startCluster(2), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('issue 15 §2: an event another instance accepted appears live on this instance’s console (list from the feed, session page updated by SSE)', async () => {
    const [here, there] = cluster.engines as [Cluster['engines'][0], Cluster['engines'][0]];
    const sessionId = (await untilPresentation(await cluster.wallet())).authSession.split('.')[0]!;
    const admin = consoleAt(here.url, await browser.newContext());
    const page = await admin.logIn(CLUSTER_ADMIN_TOKEN);
    // JetStream lists no streams by time: the list comes from this instance's feed, which has every instance's events.
    await expect
      .poll(async () => {
        await page.reload();
        return page.$$eval('table.sessions tbody tr[data-session]', (rows) =>
          rows.map((r) => r.getAttribute('data-session')),
        );
      })
      .toContain(sessionId);
    expect(await page.textContent('main')).toContain('Listed from the events this instance has seen');
    await page.goto(admin.sessionUrl(sessionId));
    expect(await shownState(page)).toBe('requestRetrieved');
    await page.waitForSelector('.live-status.on');
    // The other engine, directly (not through the gateway), accepts the next event of the session.
    const erased = await fetch(`${there.url}/admin/erase/${sessionId}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${CLUSTER_ADMIN_TOKEN}` },
    });
    expect(erased.status).toBe(200);
    await page.waitForSelector('main .state-name[data-state=erased]', { timeout: 10_000 });
    expect(await page.$$eval('table.timeline tbody tr', (rows) => rows.at(-1)?.getAttribute('data-event-type'))).toBe(
      'Erased',
    );
  });
});
