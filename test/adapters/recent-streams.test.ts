import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../adapters/stores/memory/event-store.js';
import { SqliteEventStore } from '../../adapters/stores/sqlite/event-store.js';
import type { EventStore, SessionEvent } from '../../engine/index.js';
import { Flow, T0 } from '../../testing/flow.js';
import { runCommands } from '../../testing/run.js';

const dir = mkdtempSync(join(tmpdir(), 'pdi-recent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Session = { id: string; events: SessionEvent[] };

/** Three sessions, each a happy path started a minute after the previous; the middle one stops after its first event. */
async function filled(store: EventStore): Promise<Session[]> {
  const sessions = [0, 1, 2].map((i) => {
    const id = `recentSession000${i}xx`;
    const events = runCommands(new Flow(id).happyPath(T0 + i * 60_000)).events;
    return { id, events: i === 1 ? events.slice(0, 1) : events };
  });
  for (const { id, events } of sessions)
    for (const [version, event] of events.entries())
      await store.append(id, version, [event], { deadline: version === events.length - 1 ? null : T0 + 1e9 });
  return sessions;
}

describe.each([
  ['SQLite', () => new SqliteEventStore(join(dir, 'events.sqlite'))],
  ['in-memory', () => new MemoryEventStore()],
] as const)('issue 15 §2: EventStore.recentStreams (%s)', (_, open) => {
  it('lists streams by their last event, most recent first, with their first and last times, last type and length; filters by time and last type; pages', async () => {
    const store = open();
    const [a, b, c] = (await filled(store)) as [Session, Session, Session];
    const summary = ({ id, events }: Session) => ({
      streamId: id,
      startedAt: events[0]!.meta.at,
      lastAt: events.at(-1)!.meta.at,
      lastType: events.at(-1)!.type,
      events: events.length,
    });
    expect(await store.recentStreams!({ limit: 10 })).toEqual([c, b, a].map(summary));
    expect(await store.recentStreams!({ limit: 10, lastTypes: ['ChallengeReceived'] })).toEqual([summary(b)]);
    expect(await store.recentStreams!({ limit: 10, since: summary(b).lastAt, until: summary(b).lastAt })).toEqual([
      summary(b),
    ]);
    const first = await store.recentStreams!({ limit: 2 });
    const after = { at: first.at(-1)!.lastAt, streamId: first.at(-1)!.streamId };
    expect([...first, ...(await store.recentStreams!({ limit: 2, after }))]).toEqual([c, b, a].map(summary));
    await store.close();
  });
});
