import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { CorruptStream, Engine, expireDue, fold, stateName } from '../../engine/index.js';
import { engineConfig } from '../../testing/engine-config.js';
import { Flow, SECOND, T0 } from '../../testing/flow.js';
import { STORES } from '../support/stores.js';

const config = engineConfig();
const MINUTE = 60 * SECOND;

describe.each(Object.keys(STORES))('the runtime on the %s store', (storeName) => {
  const open = STORES[storeName]!;

  it('answers an idempotent retry of an accepted command without appending it again', async () => {
    const { store, dispose } = open();
    try {
      const engine = new Engine({ store, config });
      const flow = new Flow(`session-idem-${storeName}`);
      const [start, retrieve] = flow.happyPath(T0);
      await engine.execute(start!);
      const first = await engine.execute(retrieve!);
      const again = await engine.execute(retrieve!);
      expect(isRight(first) && first.right.replayed).toBe(false);
      expect(isRight(again) && again.right.replayed).toBe(true);
      expect(await store.read(flow.sessionId)).toHaveLength(2);
    } finally {
      await dispose();
    }
  });

  it('decides a first challenge on the initial state without reading the store, and appends it expecting an empty stream', async () => {
    const { store, dispose } = open();
    try {
      const reads: string[] = [];
      const counted = Object.assign(Object.create(store), {
        read: (streamId: string) => {
          reads.push(streamId);
          return store.read(streamId);
        },
      });
      const engine = new Engine({ store: counted, config });
      const flow = new Flow(`session-opening-${storeName}`);
      expect(isRight(await engine.execute(flow.start(T0)))).toBe(true);
      expect(reads).toEqual([]);
      // Another engine (no cache) given the same, already used session id: a VersionConflict on append, then a clear refusal.
      const other = new Engine({ store, config });
      const collision = await other.execute({
        ...new Flow(flow.sessionId).start(T0 + SECOND),
        eventId: 'another-start',
      });
      expect(isLeft(collision) && collision.left.error.code).toBe('invalid_request');
      expect(isLeft(collision) && collision.left.error.rule).toBe('engine: new session ids');
      const events = await store.read(flow.sessionId);
      expect(events.map((e) => e.meta.id)).toEqual([`${flow.sessionId}:1`]);
    } finally {
      await dispose();
    }
  });

  it('never stamps an event earlier than the newest one, even when the command is dated earlier', async () => {
    const { store, dispose } = open();
    try {
      const engine = new Engine({ store, config });
      const flow = new Flow(`session-clamp-${storeName}`);
      await engine.execute(flow.start(T0 + 5 * SECOND));
      const outcome = await engine.execute(flow.retrieve(T0));
      expect(isRight(outcome)).toBe(true);
      const events = await store.read(flow.sessionId);
      expect(events.map((e) => e.meta.at)).toEqual([T0 + 5 * SECOND, T0 + 5 * SECOND]);
    } finally {
      await dispose();
    }
  });

  it('the scheduler appends Expired for sessions past their deadline, and only for those', async () => {
    const { store, dispose } = open();
    try {
      const engine = new Engine({ store, config });
      const pending = new Flow(`session-sched-pending-${storeName}`);
      const coded = new Flow(`session-sched-coded-${storeName}`);
      const done = new Flow(`session-sched-done-${storeName}`);
      await engine.execute(pending.start(T0));
      for (const command of coded.happyPath(T0).slice(0, 4)) await engine.execute(command);
      for (const command of done.happyPath(T0)) await engine.execute(command);
      let ids = 0;
      expect(await expireDue(engine, T0 + 30 * SECOND, () => `expiry-${storeName}-${++ids}`)).toBe(0);
      expect(await expireDue(engine, T0 + 2 * MINUTE, () => `expiry-${storeName}-${++ids}`)).toBe(1);
      expect(stateName(await engine.load(coded.sessionId))).toBe('expired');
      expect(await expireDue(engine, T0 + 20 * MINUTE, () => `expiry-${storeName}-${++ids}`)).toBe(1);
      expect(stateName(await engine.load(pending.sessionId))).toBe('expired');
      expect(stateName(await engine.load(done.sessionId))).toBe('completed');
      expect(await store.due(T0 + 24 * 60 * MINUTE, 10)).toEqual([]);
    } finally {
      await dispose();
    }
  });

  it('issue 10 §4: the scheduler drains a backlog larger than its batch in one run, bounded by its batch count', async () => {
    const { store, dispose } = open();
    try {
      const engine = new Engine({ store, config });
      const flows = Array.from({ length: 25 }, (_, i) => new Flow(`session-backlog-${storeName}-${i}`));
      await Promise.all(flows.map((flow) => engine.execute(flow.start(T0))));
      let ids = 0;
      const newId = () => `backlog-${storeName}-${++ids}`;
      expect(await expireDue(engine, T0 + 20 * MINUTE, newId, 10, 2)).toBe(20);
      expect(await expireDue(engine, T0 + 20 * MINUTE, newId, 10)).toBe(5);
      expect(await store.due(T0 + 20 * MINUTE, 100)).toEqual([]);
    } finally {
      await dispose();
    }
  });

  it('rebuild: folding the stored log reproduces the live state exactly, after every step of a flow', async () => {
    const { store, dispose } = open();
    try {
      const engine = new Engine({ store, config });
      const flow = new Flow(`session-rebuild-${storeName}`);
      for (const command of [
        ...flow.happyPath(T0).slice(0, 4),
        flow.redeem(T0 + 5 * SECOND),
        flow.redeem(T0 + 6 * SECOND),
      ]) {
        await engine.execute(command);
        const live = await engine.load(flow.sessionId);
        const rebuilt = fold(await store.read(flow.sessionId));
        expect(rebuilt.snapshot.value).toEqual(live.snapshot.value);
        expect(rebuilt.snapshot.context).toEqual(live.snapshot.context);
        expect(rebuilt.version).toBe(live.version);
      }
      expect(stateName(await engine.load(flow.sessionId))).toBe('revoked');
    } finally {
      await dispose();
    }
  });
});

describe('several engine processes on one SQLite file', () => {
  it('a refusal decided on a stale cache is confirmed on a fresh read before it is answered', async () => {
    const { store, openAnother, dispose } = STORES.sqlite!();
    try {
      const a = new Engine({ store, config });
      const b = new Engine({ store: openAnother!(), config });
      const flow = new Flow('session-stale-cache');
      const [start, retrieve, present, second] = flow.happyPath(T0);
      await a.execute(start!);
      expect(stateName(await a.load(flow.sessionId))).toBe('presentationRequired');
      await b.execute(retrieve!);
      await b.execute(present!);
      const outcome = await a.execute(second!);
      expect(isRight(outcome) && outcome.right.event?.type).toBe('AuthorizationCodeIssued');
      expect(isLeft(await b.execute({ ...second!, eventId: 'another-attempt' }))).toBe(true);
    } finally {
      await dispose();
    }
  });

  it('a stored stream the machine cannot explain is reported as corrupt, never folded silently', async () => {
    const flow = new Flow('session-corrupt-log');
    const { store, dispose } = STORES.sqlite!();
    try {
      const engine = new Engine({ store, config });
      for (const command of flow.happyPath(T0).slice(0, 2)) await engine.execute(command);
      const [challenge, retrieved] = await store.read(flow.sessionId);
      expect(() => fold([challenge!, retrieved!, { ...retrieved!, meta: { ...retrieved!.meta, id: 'x' } }])).toThrow(
        CorruptStream,
      );
    } finally {
      await dispose();
    }
  });
});
