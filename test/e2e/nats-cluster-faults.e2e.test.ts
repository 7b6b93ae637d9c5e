import { jetstreamManager, type StreamInfo } from '@nats-io/jetstream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KeyEncryptionKey } from '../../adapters/keys/key-encryption-key.js';
import { RecordMac } from '../../adapters/keys/record-mac.js';
import { JetStreamEventStore } from '../../adapters/stores/jetstream/event-store.js';
import { JetStreamKeyRingStore } from '../../adapters/stores/jetstream/key-ring-store.js';
import { UNLIMITED } from '../../adapters/stores/jetstream/stream-limits.js';
import { startCluster, type Cluster } from '../../testing/cluster.js';
import { checkLogs, expectCompleteOrClear, runOne, type FlowResult } from '../../testing/fault-checks.js';
import { startNatsCluster, type RunningNatsCluster } from '../../testing/nats-cluster.js';
import { until } from '../../testing/nats-server.js';

const WORKERS = 6;
const LOAD_MS = 12_000;
const KILL_AT_MS = 1500;
const RESTART_AT_MS = 5000;

let cluster: Cluster<RunningNatsCluster>;
beforeAll(async () => {
  cluster = await startCluster(2, 3000, undefined, startNatsCluster);
}, 60_000);
afterAll(() => cluster.stop());

/** `WORKERS` wallets running flows back to back for `LOAD_MS`: every result, and the longest time no flow completed. */
async function load(c: Cluster<RunningNatsCluster>, faults: () => Promise<void>) {
  const results: Array<FlowResult & { startedMs: number }> = [];
  const ended: number[] = [];
  const start = Date.now();
  const worker = async () => {
    while (Date.now() - start < LOAD_MS) {
      const startedMs = Date.now() - start;
      const result = await runOne(await c.wallet());
      results.push({ ...result, startedMs });
      if (result.credential) ended.push(Date.now());
      // A refused wallet retries after a moment, as a client told `temporarily_unavailable` would.
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  await Promise.all([...Array.from({ length: WORKERS }, worker), faults()]);
  const gaps = ended.sort((a, b) => a - b).map((at, i) => at - (ended[i - 1] ?? start));
  return { results, maxPauseMs: Math.max(...gaps) };
}

/** Whether server `name`'s replica of the stream is current: it leads it, or follows with no lag. */
function caughtUp(info: StreamInfo, name: string): boolean {
  if (info.cluster?.leader === name) return true;
  const replica = info.cluster?.replicas?.find((r) => r.name === name);
  return replica?.current === true && !replica.lag;
}

it('issue 16 §2: an R1 stream and bucket made on one server are scaled to R3 when the stores open them with three replicas, and the key ring bucket is R3', async () => {
  const nc = await cluster.nats.connect();
  const names = { stream: 'PDI_SCALED', subjectPrefix: 'pdi.scaled', deadlines: 'pdi-scaled-deadlines' };
  const mac = new RecordMac(Buffer.alloc(32, 7));
  await JetStreamEventStore.open(nc, mac, names, () => {});
  const r3 = { ...UNLIMITED, replicas: 3 };
  await JetStreamEventStore.open(nc, mac, names, () => {}, { events: r3, deadlines: r3 });
  const jsm = await jetstreamManager(nc);
  for (const stream of [names.stream, `KV_${names.deadlines}`, `KV_${names.deadlines}-lease`])
    expect((await jsm.streams.info(stream)).config.num_replicas).toBe(3);
  // Issue 16 §4: the key ring in NATS has as many copies as the state it protects.
  const kek = KeyEncryptionKey.configured(
    { source: 'nats', kekEnv: 'KEK' },
    { KEK: Buffer.alloc(32, 1).toString('base64') },
  );
  await JetStreamKeyRingStore.open(nc, kek, 'pdi-scaled-key-ring', 3);
  expect((await jsm.streams.info('KV_pdi-scaled-key-ring')).config.num_replicas).toBe(3);
  await nc.close();
});

it('issue 16 §2: an R3 cluster loses a nats-server mid-load and gets it back: 0 acknowledged events lost, flows complete or fail clearly, nothing issued twice, the durable domain events hold each event once, the node catches up', async () => {
  const nc = await cluster.nats.connect();
  const jsm = await jetstreamManager(nc);
  const before = await jsm.streams.info('PDI_EVENTS');
  // `replicas: auto` on a three-server cluster: R3 for the stream and every bucket.
  expect(before.config.num_replicas).toBe(3);
  for (const bucket of ['deadlines', 'replay', 'session-keys', 'offers', 'status', 'leases'])
    expect((await jsm.streams.info(`KV_pdi-${bucket}`)).config.num_replicas).toBe(3);
  expect((await jsm.streams.info('PDI_DOMAIN_EVENTS')).config.num_replicas).toBe(3);
  // The stream leader is the node to lose: its followers must elect a new one while flows append.
  const victim = cluster.nats.names.indexOf(before.cluster!.leader!);
  const c = cluster;
  const { results, maxPauseMs } = await load(c, async () => {
    await new Promise((resolve) => setTimeout(resolve, KILL_AT_MS));
    await c.nats.kill(victim);
    await new Promise((resolve) => setTimeout(resolve, RESTART_AT_MS - KILL_AT_MS));
    await c.nats.restart(victim);
  });
  const ok = results.filter((r) => r.credential).length;
  const failures = new Map<string, number>();
  for (const { error } of results.filter((r) => r.error)) {
    const kind = error!.match(/HTTP \d+ \{"error":"\w+"/)?.[0] ?? error!;
    failures.set(kind, (failures.get(kind) ?? 0) + 1);
  }
  console.log(
    `cluster faults: ${results.length} flows, ${ok} ok, ${results.length - ok} failed, max pause ${maxPauseMs} ms without a completed flow (node ${victim}, the stream leader, killed at ${KILL_AT_MS} ms, restarted at ${RESTART_AT_MS} ms); failures:`,
    Object.fromEntries(failures),
  );
  expectCompleteOrClear(results);
  // No 500: a flow cut by the failover fails with the gateway's or the store's clear refusal.
  expect(results.filter((r) => /HTTP 500/.test(r.error ?? ''))).toEqual([]);
  expect(ok).toBeGreaterThan(0);
  // Flows continue: once a flow completes again (bounded), the next ones all do.
  await until(async () => Boolean((await runOne(await c.wallet())).credential), 'a flow completing again');
  const after = await Promise.all(Array.from({ length: WORKERS }, async () => runOne(await c.wallet())));
  expect(after.filter((r) => r.error)).toEqual([]);
  // Every acknowledged step's event is in the stream, every log folds, nothing issued twice.
  const store = await JetStreamEventStore.open(nc, (await cluster.protection()).mac);
  await checkLogs((sessionId) => store.read(sessionId), results);
  for (const result of results.filter((r) => r.credential))
    expect((await store.read(result.sessionId!)).filter((e) => e.type === 'CredentialIssued')).toHaveLength(1);
  // Issue 16 §3 under the fault: the durable domain-event stream ends with each event of the log once.
  const counts = async () =>
    Promise.all(['PDI_EVENTS', 'PDI_DOMAIN_EVENTS'].map(async (name) => (await jsm.streams.info(name)).state.messages));
  // The relay's pulls expire after 5 s, so one a failed-over consumer leader lost is replaced within seconds.
  for (let waited = 0; ; waited += 500) {
    const [events, domain] = await counts();
    if (events === domain) break;
    if (waited > 30_000) throw new Error(`the relay stalled: ${domain} of ${events} events relayed after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const [events, domain] = await counts();
  expect(domain).toBe(events);
  // The restarted node's replica of the stream is current again.
  const name = cluster.nats.names[victim]!;
  let info = await jsm.streams.info('PDI_EVENTS');
  for (let attempt = 0; attempt < 100 && !caughtUp(info, name); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    info = await jsm.streams.info('PDI_EVENTS');
  }
  expect(info.cluster).toMatchObject({ replicas: expect.any(Array) });
  expect(caughtUp(info, name), JSON.stringify(info.cluster)).toBe(true);
  await nc.close();
}, 90_000);
