import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, installed by scripts/ensure-chromium.sh before the tests (as nats-server is). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Issue 15 (tests in a real browser): headless Chromium driven by playwright-core. Each launch
 * runs on a fresh temporary profile (user-data dir) of its own, which Playwright removes on
 * close; each `newContext()` is a fresh cookie jar. No network beyond the issuer under test:
 * no background networking, component updates, sync or QUIC.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
