import { afterEach, describe, expect, it } from 'vitest';
import { JetStreamEventStore } from '../../adapters/stores/jetstream/event-store.js';
import { startCluster, type Cluster } from '../../testing/cluster.js';
import { answering, checkLogs, expectCompleteOrClear, runOne } from '../../testing/fault-checks.js';

async function checkJetStreamLogs(cluster: Cluster, results: Awaited<ReturnType<typeof runOne>>[]) {
  const nc = await cluster.nats.connect();
  const store = await JetStreamEventStore.open(nc, (await cluster.protection()).mac);
  await checkLogs((sessionId) => store.read(sessionId), results);
  await nc.close();
}

describe('faults with real processes on NATS', () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('kill -9 of one instance mid-batch: the other finishes the flows, nothing accepted is lost, nothing issued twice', async () => {
    cluster = await startCluster(2, 2000);
    const wallets = await Promise.all(Array.from({ length: 16 }, () => cluster!.wallet()));
    const batch = Promise.all(wallets.map(runOne));
    await new Promise((resolve) => setTimeout(resolve, 150));
    cluster.engines[0]!.child.kill('SIGKILL');
    const results = await batch;
    expectCompleteOrClear(results);
    await checkJetStreamLogs(cluster, results);
    await answering(cluster.publicUrl);
    const retried = await Promise.all(results.filter((r) => r.error).map(async () => runOne(await cluster!.wallet())));
    expect(retried.every((r) => r.credential)).toBe(true);
  }, 90_000);

  it('a nats-server restart mid-batch: clients reconnect, flows complete or fail clearly, nothing accepted is lost', async () => {
    cluster = await startCluster(2, 2000);
    const wallets = await Promise.all(Array.from({ length: 12 }, () => cluster!.wallet()));
    const batch = Promise.all(wallets.map(runOne));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await cluster.nats.restart();
    const results = await batch;
    expectCompleteOrClear(results);
    await checkJetStreamLogs(cluster, results);
    await answering(cluster.publicUrl);
    // The demo PID's status list is fetched through the gateway too (issue 14): a flow refused while it was
    // unreachable (fail closed) is refused clearly; the next one, once NATS answers again, completes.
    let after = await runOne(await cluster.wallet());
    if (after.error) after = await runOne(await cluster.wallet());
    expect(after.error).toBeUndefined();
    expect(after.credential).toContain('~');
  }, 90_000);
});
