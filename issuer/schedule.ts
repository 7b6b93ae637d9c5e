import type { Logger } from '../protocol/ports.js';

const EXPIRY_INTERVAL_MS = 5000;
/** Retention runs on every twelfth expiry tick: once a minute. */
const RETENTION_EVERY = 12;

/**
 * The issuer's housekeeping: every 5 s the sessions whose deadline passed expire; every minute
 * the ended ones past retention are compacted. One run at a time; a failure is logged and the
 * next tick tries again. `stop` clears the timer and waits for the run in flight.
 */
export function startHousekeeping(
  work: { expireDue: () => Promise<number>; retainEnded: () => Promise<number> },
  logger: Logger,
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let ticks = 0;
  const timer = setInterval(() => {
    const retain = ++ticks % RETENTION_EVERY === 0;
    running = running
      .then(() => work.expireDue())
      .then(() => (retain ? work.retainEnded() : 0))
      .catch((error: unknown) =>
        logger.error('expiry or retention failed', { error: error instanceof Error ? error.message : String(error) }),
      );
  }, EXPIRY_INTERVAL_MS);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
