import fc from 'fast-check';
import { VersionConflict, type EventStore, type SessionEvent } from '../engine/index.js';
import { Flow, T0 } from './flow.js';
import { runCommands } from './run.js';

export interface OpenedContractStore {
  store: EventStore;
  /** Close and open the same data again, as after a restart (absent for stores without durability). */
  reopen?: () => Promise<EventStore>;
  cleanup: () => Promise<void>;
}

/** Real events of one session's happy path. */
function eventsOf(sessionId: string): SessionEvent[] {
  return runCommands(new Flow(sessionId).happyPath(T0)).events;
}

/** The assertions the contract makes: vitest's and jest's `expect` have them. */
export interface ContractMatchers {
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toBeInstanceOf(type: abstract new (...args: never[]) => unknown): void;
  toHaveLength(length: number): void;
}

/** The test functions of the embedder's runner (vitest's or jest's `describe`, `it` and `expect`). */
export interface TestFunctions {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
  expect(actual: unknown): ContractMatchers;
}

/**
 * The contract every EventStore adapter passes (in-memory, SQLite, JetStream; an embedder's
 * own): registered with the given test functions, so it runs in any runner, e.g.
 * `describeEventStoreContract('mine', open, { describe, it, expect })` with vitest's.
 */
export function describeEventStoreContract(
  name: string,
  open: () => Promise<OpenedContractStore>,
  { describe, it, expect }: TestFunctions,
) {
  const withStore = (test: (opened: OpenedContractStore) => Promise<void>) => async () => {
    const opened = await open();
    try {
      await test(opened);
    } finally {
      await opened.cleanup();
    }
  };

  describe(`EventStore contract: ${name}`, () => {
    it(
      'reads [] for an unknown stream and returns appended events in order',
      withStore(async ({ store }) => {
        const events = eventsOf('contract-stream-0001');
        expect(await store.read('contract-stream-0001')).toEqual([]);
        expect(await store.append('contract-stream-0001', 0, events.slice(0, 3), { deadline: null })).toEqual({
          version: 3,
          duplicate: false,
        });
        expect(await store.append('contract-stream-0001', 3, events.slice(3), { deadline: null })).toEqual({
          version: events.length,
          duplicate: false,
        });
        expect(await store.read('contract-stream-0001')).toEqual(events);
      }),
    );

    it(
      'refuses a wrong expected version with VersionConflict and writes nothing',
      withStore(async ({ store }) => {
        const events = eventsOf('contract-stream-0002');
        await store.append('contract-stream-0002', 0, events.slice(0, 2), { deadline: null });
        const conflict = await store
          .append('contract-stream-0002', 1, events.slice(2, 4), { deadline: null })
          .catch((e: unknown) => e);
        expect(conflict).toBeInstanceOf(VersionConflict);
        expect(conflict).toMatchObject({ expected: 1, actual: 2 });
        expect(await store.read('contract-stream-0002')).toHaveLength(2);
      }),
    );

    it(
      'is idempotent: an event id already stored is never written twice, even with a stale version',
      withStore(async ({ store }) => {
        const events = eventsOf('contract-stream-0003');
        await store.append('contract-stream-0003', 0, events.slice(0, 2), { deadline: null });
        expect(await store.append('contract-stream-0003', 1, events.slice(1, 2), { deadline: null })).toMatchObject({
          duplicate: true,
        });
        expect(await store.append('contract-stream-0003', 2, events.slice(1, 2), { deadline: null })).toMatchObject({
          duplicate: true,
        });
        expect(await store.read('contract-stream-0003')).toHaveLength(2);
      }),
    );

    it(
      'keeps streams independent',
      withStore(async ({ store }) => {
        await store.append('contract-stream-A', 0, eventsOf('contract-stream-A'), { deadline: null });
        expect(await store.read('contract-stream-B')).toEqual([]);
      }),
    );

    it(
      'orders due streams by deadline, honours the limit, and clears or moves a deadline with later appends',
      withStore(async ({ store }) => {
        const [a, b, c] = ['contract-due-a', 'contract-due-b', 'contract-due-c'].map((id) => ({
          id,
          events: eventsOf(id),
        }));
        await store.append(a!.id, 0, a!.events.slice(0, 1), { deadline: 300 });
        await store.append(b!.id, 0, b!.events.slice(0, 1), { deadline: 100 });
        await store.append(c!.id, 0, c!.events.slice(0, 1), { deadline: 200 });
        expect(await store.due(250, 10)).toEqual([b!.id, c!.id]);
        expect(await store.due(1000, 1)).toEqual([b!.id]);
        await store.append(b!.id, 1, b!.events.slice(1, 2), { deadline: null });
        await store.append(c!.id, 1, c!.events.slice(1, 2), { deadline: 400 });
        expect(await store.due(350, 10)).toEqual([a!.id]);
      }),
    );

    it(
      'lets exactly one of 32 concurrent appends at one version win',
      withStore(async ({ store }) => {
        const sessions = Array.from(
          { length: 32 },
          (_, i) => eventsOf(`contract-race-${i.toString().padStart(4, '0')}`)[0]!,
        );
        const outcomes = await Promise.allSettled(
          sessions.map((event) =>
            store.append('contract-race', 0, [{ ...event, meta: { ...event.meta, sessionId: 'contract-race' } }], {
              deadline: null,
            }),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof VersionConflict)).toHaveLength(31);
        expect(await store.read('contract-race')).toHaveLength(1);
      }),
    );

    it(
      'expects an empty stream on a first append: at version 0 over stored events it is a VersionConflict, never an overwrite, even where the store has not read the stream',
      withStore(async (opened) => {
        const events = eventsOf('contract-opening-1');
        const rival = eventsOf('contract-opening-2').map((e) => ({
          ...e,
          meta: { ...e.meta, sessionId: 'contract-opening-1' },
        }));
        await opened.store.append('contract-opening-1', 0, events.slice(0, 2), { deadline: null });
        const fresh = opened.reopen ? await opened.reopen() : opened.store;
        const conflict = await fresh
          .append('contract-opening-1', 0, rival.slice(0, 1), { deadline: null })
          .catch((e: unknown) => e);
        expect(conflict).toBeInstanceOf(VersionConflict);
        expect(await fresh.read('contract-opening-1')).toEqual(events.slice(0, 2));
      }),
    );

    it(
      'behaves like a map of arrays for any interleaving of appends (model-based)',
      withStore(async ({ store }) => {
        const pool = ['contract-model-x', 'contract-model-y'].map((id) => ({ id, events: eventsOf(id) }));
        let round = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(fc.tuple(fc.nat(1), fc.nat(7), fc.nat(7)), { maxLength: 20 }), async (steps) => {
            round += 1;
            const model = new Map<string, SessionEvent[]>();
            for (const [streamIndex, expected, eventIndex] of steps) {
              const { id: base, events } = pool[streamIndex]!;
              const id = `${base}-${round}`;
              const original = events[eventIndex % events.length]!;
              const event = { ...original, meta: { ...original.meta, id: `${id}:${eventIndex}`, sessionId: id } };
              const stored = model.get(id) ?? [];
              const duplicate = stored.some((e) => e.meta.id === event.meta.id);
              const outcome = await store.append(id, expected, [event], { deadline: null }).catch((e: unknown) => e);
              if (duplicate) expect(outcome).toMatchObject({ duplicate: true });
              else if (expected !== stored.length) expect(outcome).toBeInstanceOf(VersionConflict);
              else {
                expect(outcome).toEqual({ version: stored.length + 1, duplicate: false });
                model.set(id, [...stored, event]);
              }
            }
            for (const [id, events] of model) expect(await store.read(id)).toEqual(events);
          }),
          { numRuns: 40 },
        );
      }),
    );

    it(
      'keeps events and deadlines across a restart (where the store is durable)',
      withStore(async (opened) => {
        if (!opened.reopen) return;
        const events = eventsOf('contract-durable-01');
        await opened.store.append('contract-durable-01', 0, events, { deadline: 42 });
        const again = await opened.reopen();
        expect(await again.read('contract-durable-01')).toEqual(events);
        expect(await again.due(42, 10)).toEqual(['contract-durable-01']);
      }),
    );
  });
}
