import fc from 'fast-check';
import { isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { Engine, type Command, type EventStore } from '../../engine/index.js';
import { engineConfig } from '../../testing/engine-config.js';
import { Flow, SECOND, T0 } from '../../testing/flow.js';
import { STORES } from '../support/stores.js';

/** The store's own promise, marked handled: the scheduler may hold a rejection (a conflict) before passing it on. */
function held<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** A view of `store` whose reads and appends resolve in the order fast-check's scheduler picks. */
function scheduled(s: fc.Scheduler, store: EventStore): EventStore {
  return {
    read: s.scheduleFunction((id: string) => held(store.read(id))),
    append: s.scheduleFunction((...args: Parameters<EventStore['append']>) => held(store.append(...args))),
    due: (at, limit) => store.due(at, limit),
    close: () => store.close(),
  };
}

const config = engineConfig();

describe.each(Object.keys(STORES))('concurrent requests on one session, %s store', (storeName) => {
  const race = (title: string, prefix: number, contender: (flow: Flow, i: number) => Command, winner: string) =>
    it(title, async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.integer({ min: 2, max: 12 }),
          fc.integer({ min: 1, max: 3 }),
          async (s, n, instances) => {
            const opened = STORES[storeName]!();
            try {
              const flow = new Flow(`session-race-${storeName}-${prefix}-${++run}`);
              const setup = new Engine({ store: opened.store, config });
              for (const command of flow.happyPath(T0).slice(0, prefix))
                expect(isRight(await setup.execute(command))).toBe(true);
              const engines = Array.from(
                { length: instances },
                () => new Engine({ store: scheduled(s, opened.store), config }),
              );
              const outcomes = await s.waitFor(
                Promise.all(Array.from({ length: n }, (_, i) => engines[i % instances]!.execute(contender(flow, i)))),
              );
              const wins = outcomes.filter((o) => isRight(o) && o.right.event?.type === winner);
              expect(wins).toHaveLength(1);
              const stored = (await opened.store.read(flow.sessionId)).filter((e) => e.type === winner);
              expect(stored).toHaveLength(1);
            } finally {
              await opened.dispose();
            }
          },
        ),
        { numRuns: storeName === 'sqlite' ? 25 : 60 },
      );
    });

  race(
    'P-20: of N identical second-challenge calls exactly one gets an authorization code',
    3,
    (flow, i) => ({
      ...flow.continue(T0 + 10 * SECOND, { pdis: flow.value('pdis') }),
      codeHash: flow.value(`code-${i}`),
    }),
    'AuthorizationCodeIssued',
  );
  race(
    'RFC 6749 §4.1.2: of N identical token requests exactly one gets a token',
    4,
    (flow) => flow.redeem(T0 + 10 * SECOND),
    'TokenIssued',
  );
  race(
    'OpenID4VCI §7.2: of N credential requests with one c_nonce exactly one gets a credential',
    6,
    (flow) => flow.credential(T0 + 10 * SECOND),
    'CredentialIssued',
  );
});
