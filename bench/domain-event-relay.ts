/**
 * The cost of the durable domain events (issue 16 §3), on one nats-server: JetStream appends
 * with `INTERLEAVED` sessions at once without and with the relay running (what relaying takes
 * from the commit path), how fast the relay drains a backlog it finds on start, and, one append at
 * a time, how long from its start until it is acknowledged and until its domain event is in the
 * durable stream (p50/p99).
 *
 *   npx tsx bench/domain-event-relay.ts [-- --sessions 200 --lags 300]
 */
import { createHash, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { stateProtection } from '../adapters/keys/state-protection.js';
import { JetStreamEventStore } from '../adapters/stores/jetstream/event-store.js';
import type { SessionEvent } from '../engine/index.js';
import { startNatsServer } from '../testing/index.js';
import { DEFAULT_DOMAIN_EVENT_STREAM } from '../transports/nats/domain-events.js';
import { startDomainEventRelay } from '../transports/nats/domain-event-relay.js';
import { appendInterleaved, happyPaths, INTERLEAVED } from './session-appends.js';
import { numberArg, percentile, sortedCopy } from './stats.js';

const secret = randomBytes(32);
const keys = { derivedSecret: (label: string) => createHash('sha256').update(secret).update(label).digest() };

const sessions = (count: number, tag: string) => happyPaths(count, `relay-${tag}`);

async function relayed(nc: NatsConnection): Promise<number> {
  return (await (await jetstreamManager(nc)).streams.info(DEFAULT_DOMAIN_EVENT_STREAM.name)).state.messages;
}

export async function runRelayBench(options: { sessions: number; lags: number }) {
  const nats = await startNatsServer();
  const nc = await nats.connect();
  const relayNc = await nats.connect();
  try {
    const store = await JetStreamEventStore.open(nc, stateProtection(keys).mac);
    const backlog = sessions(options.sessions, 'backlog');
    const appendsWithoutRelay = await appendInterleaved(store, backlog);
    const drainStart = performance.now();
    const relay = await startDomainEventRelay(relayNc, {
      prefix: 'pdi',
      eventStream: 'PDI_EVENTS',
      domainStream: DEFAULT_DOMAIN_EVENT_STREAM,
      keys,
      instance: 'bench',
      leaseSeconds: 10,
      warn: console.error,
    });
    while ((await relayed(nc)) < backlog.flat().length) await new Promise((resolve) => setTimeout(resolve, 20));
    const drainPerSecond = backlog.flat().length / ((performance.now() - drainStart) / 1000);
    const appendsWithRelay = await appendInterleaved(store, sessions(options.sessions, 'live'));
    while ((await relayed(nc)) < 2 * backlog.flat().length) await new Promise((resolve) => setTimeout(resolve, 20));
    const seen = new Map<string, number>();
    const subscription = nc.subscribe('pdi.domain-events.>', {
      callback: (_, message) => {
        seen.set(message.json<SessionEvent>().meta.id, performance.now());
      },
    });
    // From the append's start: its acknowledgement and the relayed event can arrive in one read from the socket.
    const lags: number[] = [];
    const appends: number[] = [];
    for (const [index, events] of sessions(options.lags, 'lag').entries()) {
      const event = events[0]!;
      const start = performance.now();
      await store.append(event.meta.sessionId, 0, [event], { deadline: null });
      appends.push(performance.now() - start);
      while (!seen.has(event.meta.id)) await new Promise((resolve) => setImmediate(resolve));
      lags.push(seen.get(event.meta.id)! - start);
      if (index % 50 === 0) seen.clear();
    }
    subscription.unsubscribe();
    await relay.stop();
    const sorted = sortedCopy(lags);
    const sortedAppends = sortedCopy(appends);
    return {
      appendP50Ms: percentile(sortedAppends, 0.5),
      appendP99Ms: percentile(sortedAppends, 0.99),
      appendsWithoutRelay,
      appendsWithRelay,
      drainPerSecond,
      lagP50Ms: percentile(sorted, 0.5),
      lagP99Ms: percentile(sorted, 0.99),
    };
  } finally {
    await Promise.all([nc.close(), relayNc.close()]);
    await nats.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runRelayBench({ sessions: numberArg('--sessions', 200), lags: numberArg('--lags', 300) });
  console.log(`JetStream appends, ${INTERLEAVED} sessions at once (events/s)`);
  console.log(`  without the relay ${result.appendsWithoutRelay.toFixed(0).padStart(8)}`);
  console.log(`  with the relay    ${result.appendsWithRelay.toFixed(0).padStart(8)}`);
  console.log(`relay draining a backlog on start: ${result.drainPerSecond.toFixed(0)} events/s`);
  console.log(
    `one at a time, from the append's start: acknowledged p50 ${result.appendP50Ms.toFixed(2)} ms, p99 ${result.appendP99Ms.toFixed(2)} ms; in the durable stream p50 ${result.lagP50Ms.toFixed(2)} ms, p99 ${result.lagP99Ms.toFixed(2)} ms`,
  );
  console.log(`JSON ${JSON.stringify(result)}`);
}
