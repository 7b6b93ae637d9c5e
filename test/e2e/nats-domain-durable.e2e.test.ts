import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamEventStore } from '../../adapters/stores/jetstream/event-store.js';
import type { ConfigInput } from '../../config/schema.js';
import type { SessionEvent } from '../../engine/index.js';
import { domainEventOf } from '../../protocol/domain-event.js';
import { startCluster, type Cluster } from '../../testing/cluster.js';
import { expectCompleteOrClear, runOne } from '../../testing/fault-checks.js';
import { Flow, T0 } from '../../testing/flow.js';
import { runCommands } from '../../testing/run.js';

const STREAM = 'PDI_DOMAIN_EVENTS';
/** The backend's inbox prefix in the shipped permission layout (deploy/nats-server.conf). */
const BACKEND_INBOX = '_INBOX_pdi_backend';
/** A short lease, so a take-over happens within the test. */
const CONFIG = { nats: { domainEvents: { leaseSeconds: 2 } } as ConfigInput['nats'] };

interface Received {
  subject: string;
  event: SessionEvent;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a backend does: a durable pull consumer on the domain-event stream, read until `done` holds (and one more fetch, for extras). */
async function consume(
  nc: NatsConnection,
  durable: string,
  filter: string,
  done: (received: Received[]) => boolean,
): Promise<Received[]> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  for (
    let attempt = 0;
    !(await jsm.streams.info(STREAM).then(
      () => true,
      () => false,
    ));
    attempt++
  ) {
    if (attempt > 100) throw new Error(`no stream ${STREAM}`);
    await sleep(100);
  }
  await jsm.consumers.add(STREAM, { durable_name: durable, ack_policy: AckPolicy.Explicit, filter_subject: filter });
  const consumer = await jetstream(nc, { checkAPI: false }).consumers.get(STREAM, durable);
  const received: Received[] = [];
  const deadline = Date.now() + 30_000;
  for (let extra = false; !extra; extra = done(received) || Date.now() > deadline) {
    for await (const message of await consumer.fetch({ max_messages: 100, expires: 1000 })) {
      received.push({ subject: message.subject, event: message.json<SessionEvent>() });
      message.ack();
    }
  }
  return received;
}

/** The events each session's log holds (the source of truth), by session, in order. */
async function eventLog(cluster: Cluster): Promise<Map<string, SessionEvent[]>> {
  const nc = await cluster.nats.connect();
  const store = await JetStreamEventStore.open(nc, (await cluster.protection()).mac);
  const info = await (await jetstreamManager(nc)).streams.info('PDI_EVENTS', { subjects_filter: '>' });
  const log = new Map<string, SessionEvent[]>();
  for (const subject of Object.keys(info.state.subjects ?? {})) {
    const sessionId = subject.slice('pdi.events.'.length);
    log.set(sessionId, await store.read(sessionId));
  }
  await nc.close();
  return log;
}

const idsBySession = (events: SessionEvent[]) => {
  const ids = new Map<string, string[]>();
  for (const event of events) ids.set(event.meta.sessionId, [...(ids.get(event.meta.sessionId) ?? []), event.meta.id]);
  return ids;
};

describe('durable domain events (issue 16 §3)', () => {
  describe('events committed while no engine ran', () => {
    let cluster: Cluster;
    let backend: NatsConnection;
    beforeAll(async () => {
      cluster = await startCluster(0, 10_000, CONFIG);
      backend = await cluster.nats.connect('backend', { inboxPrefix: BACKEND_INBOX });
    }, 60_000);
    afterAll(async () => {
      await backend.close();
      await cluster.stop();
    });

    it('issue 16 §3 (a): events committed but never published reach a durable consumer once an engine starts, each exactly once, in order per session, also when publishes fail for a while and are retried', async () => {
      const nc = await cluster.nats.connect();
      // The operator's stream, refusing messages over 600 bytes until the limit is raised: each session's first event
      // (ChallengeReceived, 645 bytes) fails while its second (RequestObjectRetrieved, 177) would be stored.
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: STREAM, subjects: ['pdi.domain-events.>'], max_msg_size: 600 });
      const store = await JetStreamEventStore.open(nc, (await cluster.protection()).mac);
      const sessions = ['a', 'b', 'c'].map((tag) => runCommands(new Flow(`durable-${tag}`).happyPath(T0)).events);
      // Interleaved, as several sessions commit at once; no engine runs, so nothing is published (an engine that died after each commit).
      for (let version = 0; version < Math.max(...sessions.map((events) => events.length)); version++)
        for (const events of sessions)
          if (events[version])
            await store.append(events[version]!.meta.sessionId, version, [events[version]!], { deadline: null });
      await cluster.startEngine();
      const leases = await new Kvm(nc).open('pdi-leases');
      while (!(await leases.get('domain-event-relay'))) await sleep(100);
      await sleep(1000);
      // Nothing of a session overtakes its failing first event.
      expect((await jsm.streams.info(STREAM)).state.messages).toBe(0);
      await jsm.streams.update(STREAM, { ...(await jsm.streams.info(STREAM)).config, max_msg_size: -1 });
      await nc.close();
      const all = sessions.flat();
      const received = await consume(backend, 'backend-a', 'pdi.domain-events.>', (r) => r.length >= all.length);
      expect(received.length).toBe(all.length);
      expect(idsBySession(received.map((r) => r.event))).toEqual(idsBySession(all));
      // What the core publishes carry, nothing sealed, on a subject naming the session and the type.
      for (const { subject, event } of received) {
        const original = all.find((e) => e.meta.id === event.meta.id)!;
        expect(event).toEqual(domainEventOf(original));
        expect(subject).toBe(`pdi.domain-events.${original.meta.sessionId}.${original.type}`);
      }
      expect(JSON.stringify(received)).not.toContain('sealedClaims');
    }, 60_000);

    it('issue 16 §3 (d), hardening §1 rule 3: a forged message on the events subject (no valid MAC) is not relayed; a consumer filters by type', async () => {
      const [genuine] = runCommands(new Flow('durable-late').happyPath(T0)).events;
      const [forged] = runCommands(new Flow('durable-forged').happyPath(T0)).events;
      const nc = await cluster.nats.connect();
      const header = headers();
      header.set('Pdi-Earlier-Seqs', 'none');
      header.set('Pdi-Mac', 'forged');
      await jetstream(nc).publish('pdi.events.durable-forged', JSON.stringify(forged), { headers: header });
      const store = await JetStreamEventStore.open(nc, (await cluster.protection()).mac);
      await store.append('durable-late', 0, [genuine!], { deadline: null });
      await nc.close();
      const received = await consume(backend, 'backend-d', `pdi.domain-events.*.${genuine!.type}`, (r) =>
        r.some(({ event }) => event.meta.id === genuine!.meta.id),
      );
      expect(received.map(({ event }) => event.meta.sessionId)).not.toContain('durable-forged');
      expect(new Set(received.map(({ event }) => event.type))).toEqual(new Set([genuine!.type]));
    }, 60_000);

    it('issue 16 §3 (permissions): the backend user consumes the domain-event stream but cannot read the event log PDI_EVENTS', async () => {
      const jsm = await jetstreamManager(backend, { checkAPI: false });
      const attempts = [
        jsm.consumers.add('PDI_EVENTS', { durable_name: 'snoop', ack_policy: AckPolicy.Explicit }),
        jsm.direct.getMessage('PDI_EVENTS', { seq: 1 }),
        jsm.streams.getMessage('PDI_EVENTS', { seq: 1 }),
        jsm.streams.info('PDI_EVENTS'),
      ];
      const outcomes = await Promise.allSettled(attempts.map((attempt) => Promise.race([attempt, sleep(3000)])));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
      const engine = await cluster.nats.connect();
      expect((await (await jetstreamManager(engine)).consumers.list('PDI_EVENTS').next()).map((c) => c.name)).toEqual([
        'pdi-domain-event-relay',
      ]);
      await engine.close();
      expect((await jsm.streams.info(STREAM)).config.name).toBe(STREAM);
    }, 30_000);
  });

  describe('an engine killed mid-load', () => {
    let cluster: Cluster | undefined;
    afterEach(async () => {
      await cluster?.stop();
      cluster = undefined;
    });

    it('issue 16 §3 (b, c): SIGKILL of the active relay mid-load: the lease moves to the other engine and the durable consumer gets the log’s accepted events exactly once, in order per session', async () => {
      cluster = await startCluster(0, 2000, CONFIG);
      const engineNc = await cluster.nats.connect();
      const leases = await new Kvm(engineNc).open('pdi-leases');
      const holder = async () => (await leases.get('domain-event-relay'))?.string();
      await cluster.startEngine();
      for (let attempt = 0; !(await holder()); attempt++) {
        if (attempt > 100) throw new Error('no relay took the lease');
        await sleep(100);
      }
      const killed = await holder();
      await cluster.startEngine();
      const wallets = await Promise.all(Array.from({ length: 12 }, () => cluster!.wallet()));
      const batch = Promise.all(wallets.map(runOne));
      await sleep(150);
      cluster.engines[0]!.child.kill('SIGKILL');
      expectCompleteOrClear(await batch);
      const log = await eventLog(cluster);
      const expected = [...log.values()].flat();
      const backend = await cluster.nats.connect('backend', { inboxPrefix: BACKEND_INBOX });
      const received = await consume(backend, 'backend-b', 'pdi.domain-events.>', (r) => r.length >= expected.length);
      await backend.close();
      expect(received.length).toBe(expected.length);
      expect(idsBySession(received.map((r) => r.event))).toEqual(idsBySession(expected));
      const now = await holder();
      expect(now).toBeDefined();
      expect(now).not.toBe(killed);
      await engineNc.close();
    }, 90_000);
  });
});

describe('without the relay (nats.domainEvents.relay: false)', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(1, 10_000, { nats: { domainEvents: { relay: false } } as ConfigInput['nats'] });
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('issue 16 §3: an operator who consumes no durable stream turns the relay off: the core subjects still carry every event, the durable stream is never made', async () => {
    const nc = await cluster.nats.connect('engine');
    try {
      const types: string[] = [];
      const subscription = nc.subscribe('pdi.domain.>', {
        callback: (_, message) => {
          types.push(message.subject);
        },
      });
      const flow = await runOne(await cluster.wallet());
      expect(flow.credential).toBeDefined();
      await nc.flush();
      await sleep(200);
      subscription.unsubscribe();
      expect(types).toContain('pdi.domain.CredentialIssued');
      const jsm = await jetstreamManager(nc);
      await expect(jsm.streams.info(STREAM)).rejects.toThrow(/stream not found/i);
    } finally {
      await nc.close();
    }
  });
});
