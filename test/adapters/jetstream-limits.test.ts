import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordMac } from '../../adapters/keys/record-mac.js';
import { JetStreamEventStore } from '../../adapters/stores/jetstream/event-store.js';
import { JetStreamOfferStore } from '../../adapters/stores/jetstream/offer-store.js';
import { JetStreamReplayCache } from '../../adapters/stores/jetstream/replay-cache.js';
import { UNLIMITED } from '../../adapters/stores/jetstream/stream-limits.js';
import { JetStreamSettings, replicasFor, shortTtl } from '../../config/jetstream-settings.js';
import { Flow, T0 } from '../../testing/flow.js';
import { startNatsServer, until, type RunningNats } from '../../testing/nats-server.js';
import { runCommands } from '../../testing/run.js';

const mac = new RecordMac(randomBytes(32));
const quiet = () => {};
let nats: RunningNats;
let nc: NatsConnection;
beforeAll(async () => {
  nats = await startNatsServer();
  nc = await nats.connect();
});
afterAll(async () => {
  await nc.close();
  await nats.stop();
});

const namesOf = (tag: string) => ({
  stream: `PDI_${tag}`,
  subjectPrefix: `pdi.${tag}`,
  deadlines: `pdi-${tag}-deadlines`,
});

describe('issue 16 §2: replicas and limits of the streams and buckets', () => {
  it('issue 16 §2: replicas auto is 3 on a cluster advertising three servers or more, else 1; a number is kept', () => {
    const servers = (n: number) => ({ info: { connect_urls: Array.from({ length: n }, (_, i) => `127.0.0.1:${i}`) } });
    expect(replicasFor('auto', servers(3))).toBe(3);
    expect(replicasFor('auto', servers(5))).toBe(3);
    expect(replicasFor('auto', servers(1))).toBe(1);
    expect(replicasFor('auto', {})).toBe(1);
    expect(replicasFor(5, servers(1))).toBe(5);
  });

  it('issue 16 §2: the defaults keep events, and age replay entries and offers out after a day; a TTL shorter than what it guards is refused', () => {
    const settings = JetStreamSettings.parse({});
    expect(settings).toMatchObject({ replicas: 'auto', events: { maxAgeSeconds: null, maxBytes: null } });
    expect(settings.replay.maxAgeSeconds).toBe(86_400);
    expect(settings.offers.maxAgeSeconds).toBe(86_400);
    expect(shortTtl(settings, 600, 600)).toBeUndefined();
    expect(shortTtl(JetStreamSettings.parse({ offers: { maxAgeSeconds: 3600 } }), 600, 7200)).toBe(
      'nats.jetstream.offers.maxAgeSeconds: 3600 s is shorter than the 7200 s its entries must stay',
    );
    expect(() => JetStreamSettings.parse({ replay: { maxAgeSeconds: 60 } })).toThrow();
    expect(() => JetStreamSettings.parse({ events: { discard: 'old' } })).toThrow();
  });

  it('issue 16 §2: limits are set on a new stream, reconciled on an existing one (discard new), and left alone by a store opened without them', async () => {
    const names = namesOf('limits');
    await JetStreamEventStore.open(nc, mac, names, quiet);
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(names.stream)).config).toMatchObject({ max_age: 0, max_bytes: -1 });
    const limited = { ...UNLIMITED, maxAgeSeconds: 7200, maxBytes: 50_000_000 };
    await JetStreamEventStore.open(nc, mac, names, quiet, { events: limited, deadlines: limited });
    for (const name of [names.stream, `KV_${names.deadlines}`])
      expect((await jsm.streams.info(name)).config).toMatchObject({
        max_age: 7200 * 1e9,
        max_bytes: 50_000_000,
        discard: 'new',
        num_replicas: 1,
      });
    await JetStreamEventStore.open(nc, mac, names, quiet);
    expect((await jsm.streams.info(names.stream)).config.max_bytes).toBe(50_000_000);
  });

  it('issue 16 §2: a change the server refuses (R3 on one server) fails with one line naming the stream and the change', async () => {
    const names = namesOf('refused');
    await JetStreamEventStore.open(nc, mac, names, quiet);
    const r3 = { ...UNLIMITED, replicas: 3 };
    const error = await JetStreamEventStore.open(nc, mac, names, quiet, { events: r3, deadlines: r3 }).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^JetStream: stream PDI_refused: cannot change num_replicas 1 → 3: .+$/);
  });

  it('issue 16 §2: a full event stream refuses the append (503 temporarily_unavailable), it never drops accepted events', async () => {
    const names = namesOf('full');
    const tiny = { ...UNLIMITED, maxBytes: 4096 };
    const store = await JetStreamEventStore.open(nc, mac, names, quiet, { events: tiny, deadlines: UNLIMITED });
    const events = runCommands(new Flow('session-full-0001').happyPath(T0)).events;
    const appended = [];
    let refusal: unknown;
    for (const [i, event] of events.entries()) {
      refusal = await store.append(event.meta.sessionId, i, [event], { deadline: null }).catch((e: unknown) => e);
      if (refusal instanceof Error) break;
      appended.push(event);
    }
    expect(refusal).toMatchObject({ code: 'temporarily_unavailable', status: 503 });
    expect(appended.length).toBeGreaterThan(0);
    expect(await store.read('session-full-0001')).toEqual(appended);
  });
});

describe('issue 16 §2: entries age out by TTL', () => {
  it('issue 16 §2: an offer nobody took and a used replay entry are removed by the server once their TTL passed', async () => {
    const ttl = { ...UNLIMITED, maxAgeSeconds: 1 };
    const offers = await JetStreamOfferStore.open(nc, mac, 'pdi-ttl-offers', quiet, ttl);
    const replay = await JetStreamReplayCache.open(nc, mac, 'pdi-ttl-replay', ttl, quiet);
    await offers.create({
      offerId: 'offer-ttl-1',
      issuerState: 'issuer-state-ttl-1',
      credentialConfigurationIds: ['demo_membership'],
      expiresAt: Date.now() + 600_000,
    });
    expect(await replay.useOnce('dpop:ttl-1', Date.now() + 600_000, Date.now())).toBe(true);
    const kvm = new Kvm(nc);
    const values = async (bucket: string) => (await (await kvm.open(bucket)).status()).values;
    expect(await values('pdi-ttl-offers')).toBe(2);
    expect(await values('pdi-ttl-replay')).toBe(1);
    await until(async () => (await values('pdi-ttl-offers')) + (await values('pdi-ttl-replay')) === 0, 'the TTL');
    expect(await offers.serveOnce('offer-ttl-1', Date.now())).toBeUndefined();
  });
});

describe('issue 16 §2: one expiry scheduler', () => {
  it('issue 16 §2: only the instance holding the lease answers due; the other takes over once it closes', async () => {
    const names = namesOf('lease');
    const [a, b] = [await nats.connect(), await nats.connect()];
    const storeA = await JetStreamEventStore.open(a, mac, names, quiet);
    const storeB = await JetStreamEventStore.open(b, mac, names, quiet);
    const [first] = runCommands(new Flow('session-lease-001').happyPath(T0)).events;
    await storeB.append(first!.meta.sessionId, 0, [first!], { deadline: 100 });
    expect(await storeA.due(1000, 10)).toEqual(['session-lease-001']);
    // A query: asking again (the metrics backlog does) hands out the same deadline.
    expect(await storeA.due(1000, 10)).toEqual(['session-lease-001']);
    expect(await storeB.due(1000, 10)).toEqual([]);
    await storeA.close();
    expect(await storeB.due(1000, 10)).toEqual(['session-lease-001']);
    await Promise.all([a.close(), b.close()]);
  });
});
