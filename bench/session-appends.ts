import type { EventStore, SessionEvent } from '../engine/index.js';
import { Flow, T0, runCommands } from '../testing/index.js';

/** How many sessions the interleaved append figures write at once. */
export const INTERLEAVED = 16;

/** `count` whole happy-path sessions' events, their ids tagged so runs never collide. */
export function happyPaths(count: number, tag: string): SessionEvent[][] {
  return Array.from({ length: count }, (_, i) => runCommands(new Flow(`bench-${tag}-${i}`).happyPath(T0)).events);
}

/** Appends whole sessions one event at a time, `INTERLEAVED` sessions at once: events per second. */
export async function appendInterleaved(store: EventStore, streams: SessionEvent[][]): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < streams.length; i += INTERLEAVED)
    await Promise.all(
      streams.slice(i, i + INTERLEAVED).map(async (events) => {
        for (const [version, event] of events.entries())
          await store.append(event.meta.sessionId, version, [event], { deadline: null });
      }),
    );
  return streams.flat().length / ((performance.now() - start) / 1000);
}
