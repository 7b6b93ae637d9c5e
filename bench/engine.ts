/**
 * The engine's own costs, side by side in one run: the fold three ways (the engine's, through
 * the transition table derived from the machine; XState's public `transition()`; and the way
 * the previous release folded: the machine's internal `transition` with one inert actor scope,
 * re-running today's rules on every event), `decide`, and decide+append through the runtime on
 * the in-memory and the SQLite store (sequential and 16 sessions interleaved), and loading one
 * session from SQLite.
 *
 *   npm run bench:engine [-- --sessions 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isLeft } from 'fp-ts/lib/Either.js';
import { createActor, initialTransition, transition, type ActorScope, type AnyActorRef } from 'xstate';
import { MemoryEventStore } from '../adapters/stores/memory/event-store.js';
import { SqliteEventStore } from '../adapters/stores/sqlite/event-store.js';
import {
  Engine,
  INITIAL_STATE,
  decide,
  fold,
  sessionMachine,
  type Command,
  type EventStore,
  type SessionEvent,
  checkEvent,
} from '../engine/index.js';
import { engineConfig, Flow, T0 } from '../testing/index.js';
import { numberArg, percentile } from './stats.js';

const config = engineConfig();

function flows(count: number, tag: string): Command[][] {
  return Array.from({ length: count }, (_, i) =>
    new Flow(`bench-${tag}-${i.toString().padStart(8, '0')}`).happyPath(T0),
  );
}

/** The events of each happy path, decided purely. */
function eventsOf(commandLists: Command[][]): SessionEvent[][] {
  return commandLists.map((commands) => {
    let state = INITIAL_STATE;
    return commands.map((command) => {
      const decision = decide(state, command, config);
      if (isLeft(decision) || !decision.right.event) throw new Error(`bench flow refused: ${command.type}`);
      state = decision.right.state;
      return decision.right.event;
    });
  });
}

type MachineSnapshot = ReturnType<typeof initialTransition<typeof sessionMachine>>[0];
const [initialSnapshot] = initialTransition(sessionMachine);

/** XState's public API: `transition()` builds an inert actor on every call. */
function foldPublic(events: SessionEvent[]): MachineSnapshot {
  return events.reduce((snapshot, event) => transition(sessionMachine, snapshot, event)[0], initialSnapshot);
}

/**
 * The previous release's fold, kept here only as the baseline: the machine's internal
 * three-argument `transition` with one inert scope, and its guards re-running the rules.
 */
function previousFold(): (events: SessionEvent[]) => MachineSnapshot {
  const self = createActor(sessionMachine) as unknown as AnyActorRef;
  const scope = {
    self,
    defer: () => undefined,
    id: '',
    logger: () => undefined,
    sessionId: '',
    stopChild: () => undefined,
    system: self.system,
    emit: () => undefined,
    actionExecutor: () => undefined,
  } as unknown as ActorScope<MachineSnapshot, SessionEvent>;
  return (events) =>
    events.reduce((snapshot, event) => {
      if (checkEvent(snapshot.context, event)) throw new Error('bench log refused');
      return sessionMachine.transition(snapshot, event, scope as never) as MachineSnapshot;
    }, initialSnapshot);
}

function timed(run: () => void): number {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
}

async function throughputOf(store: EventStore, commandLists: Command[][], interleaved: number): Promise<number> {
  const engine = new Engine({ store, config });
  const total = commandLists.reduce((sum, list) => sum + list.length, 0);
  const start = performance.now();
  for (let i = 0; i < commandLists.length; i += interleaved) {
    await Promise.all(
      commandLists.slice(i, i + interleaved).map(async (commands) => {
        for (const command of commands)
          if (isLeft(await engine.execute(command))) throw new Error(`bench command refused: ${command.type}`);
      }),
    );
  }
  return total / ((performance.now() - start) / 1000);
}

export async function runEngineBench(options: { sessions: number }): Promise<Record<string, number>> {
  const streams = eventsOf(flows(options.sessions, 'fold'));
  const eventCount = streams.reduce((sum, events) => sum + events.length, 0);
  const previous = previousFold();
  // Warm every path once, so the order of the measurements favours none.
  for (const events of streams.slice(0, 100)) {
    fold(events);
    foldPublic(events);
    previous(events);
  }
  const foldSeconds = timed(() => {
    for (const events of streams) fold(events);
  });
  const publicSeconds = timed(() => {
    for (const events of streams) foldPublic(events);
  });
  const previousSeconds = timed(() => {
    for (const events of streams) previous(events);
  });

  const commandLists = flows(options.sessions, 'decide');
  const decideSeconds = timed(() => eventsOf(commandLists));

  const dir = mkdtempSync(join(tmpdir(), 'pdi-bench-engine-'));
  try {
    const memorySequential = await throughputOf(new MemoryEventStore(), flows(options.sessions, 'mem-seq'), 1);
    const memoryInterleaved = await throughputOf(new MemoryEventStore(), flows(options.sessions, 'mem-par'), 16);
    const sqlite = new SqliteEventStore(join(dir, 'events.sqlite'));
    const sqliteSequential = await throughputOf(sqlite, flows(options.sessions, 'sql-seq'), 1);
    const sqliteInterleaved = await throughputOf(sqlite, flows(options.sessions, 'sql-par'), 16);
    const loads: number[] = [];
    for (let i = 0; i < Math.min(options.sessions, 1000); i++) {
      const id = `bench-sql-seq-${Math.floor(Math.random() * options.sessions)
        .toString()
        .padStart(8, '0')}`;
      const start = performance.now();
      fold(await sqlite.read(id));
      loads.push((performance.now() - start) * 1000);
    }
    await sqlite.close();
    loads.sort((a, b) => a - b);
    return {
      eventsFolded: eventCount,
      foldEventsPerSecond: eventCount / foldSeconds,
      foldMicrosPerEvent: (foldSeconds * 1e6) / eventCount,
      xstatePublicTransitionFoldMicrosPerEvent: (publicSeconds * 1e6) / eventCount,
      previousReleaseFoldMicrosPerEvent: (previousSeconds * 1e6) / eventCount,
      decideCommandsPerSecond: eventCount / decideSeconds,
      memoryAppendEventsPerSecondSequential: memorySequential,
      memoryAppendEventsPerSecondInterleaved16: memoryInterleaved,
      sqliteAppendEventsPerSecondSequential: sqliteSequential,
      sqliteAppendEventsPerSecondInterleaved16: sqliteInterleaved,
      sqliteLoadSessionP50Micros: percentile(loads, 0.5),
      sqliteLoadSessionP99Micros: percentile(loads, 0.99),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runEngineBench({ sessions: numberArg('--sessions', 2000) });
  for (const [name, value] of Object.entries(figures))
    console.log(`${name.padEnd(42)} ${value.toFixed(value < 100 ? 2 : 0).padStart(12)}`);
  console.log(`JSON ${JSON.stringify(figures)}`);
}
