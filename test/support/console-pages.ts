import type { BrowserContext, Page } from 'playwright-core';

/** The session console of an issuer at `url`, driven in `context`. */
export function consoleAt(url: string, context: BrowserContext) {
  const root = `${url}/admin/console`;
  return {
    root,
    /** Opens the login form, submits `token`, and answers the page it landed on. */
    async logIn(token: string): Promise<Page> {
      const page = await context.newPage();
      await page.goto(`${root}/login`);
      await page.fill('input[name=token]', token);
      await Promise.all([page.waitForLoadState(), page.click('button[type=submit]')]);
      return page;
    },
    sessionUrl: (sessionId: string) => `${root}/session?id=${encodeURIComponent(sessionId)}`,
  };
}

/** The state a console page shows for its session. */
export const shownState = (page: Page) => page.getAttribute('main .state-name', 'data-state');
