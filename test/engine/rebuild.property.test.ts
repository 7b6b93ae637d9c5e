import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine, fold } from '../../engine/index.js';
import { engineConfig } from '../../testing/engine-config.js';
import { arbSession } from '../../testing/arbitraries.js';
import { STORES } from '../support/stores.js';

/** Event sourcing's promise: the stored log alone reproduces the live state exactly. */
describe.each(Object.keys(STORES))('rebuild, %s store', (storeName) => {
  it('folding the stored log reproduces the live state exactly, for arbitrary command sequences', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.context(), arbSession('session-rebuild-template'), async (ctx, template) => {
        const { store, dispose } = STORES[storeName]!();
        try {
          const sessionId = `session-rebuild-${storeName}-${++run}`;
          const engine = new Engine({ store, config: engineConfig() });
          for (const command of template)
            await engine.execute({ ...command, sessionId, eventId: `${sessionId}:${command.eventId}` });
          const live = await engine.load(sessionId);
          const rebuilt = fold(await store.read(sessionId));
          ctx.log(`${String(live.snapshot.value)} after ${live.version} events`);
          expect(rebuilt.snapshot.value).toEqual(live.snapshot.value);
          expect(rebuilt.snapshot.context).toEqual(live.snapshot.context);
          expect(rebuilt.version).toBe(live.version);
        } finally {
          await dispose();
        }
      }),
      { numRuns: storeName === 'sqlite' ? 60 : 150 },
    );
  });
});
