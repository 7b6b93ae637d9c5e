import { afterEach, describe, expect, it } from 'vitest';
import { JetStreamEventStore } from '../../adapters/store/jetstream.js';
import { fold, type SessionEvent } from '../../engine/index.js';
import type { ReferenceWallet } from '../../wallet/reference-wallet.js';
import { startCluster, type Cluster } from '../support/cluster.js';

interface FlowResult {
  sessionId?: string;
  /** The events the wallet saw acknowledged, by the step that answered. */
  acknowledged: string[];
  credential?: string;
  error?: string;
}

const EVENT_OF_STEP: Record<string, string> = {
  '4-5': 'ChallengeReceived', '6': 'RequestObjectRetrieved', '7-9': 'PresentationVerified',
  '10-11': 'AuthorizationCodeIssued', '12-13': 'TokenIssued', '14-15': 'CredentialIssued',
};

/** One flow; the session id is read from the auth_session handle, so the log can be checked afterwards. */
async function runOne(wallet: ReferenceWallet): Promise<FlowResult> {
  let sessionId: string | undefined;
  const acknowledged: string[] = [];
  try {
    const credential = await wallet.runFlow({
      scope: 'membership',
      configurationId: 'demo_membership',
      onStep: (step, detail) => {
        const authSession = (detail as { auth_session?: string }).auth_session;
        if (authSession) sessionId = authSession.split('.')[0];
        const event = EVENT_OF_STEP[step.split(' ')[0]!];
        if (event) acknowledged.push(event);
      },
    });
    return { sessionId, acknowledged, credential };
  } catch (error) {
    return { sessionId, acknowledged, error: String(error) };
  }
}

/** Wait (bounded) until the cluster answers through the gateway again, after a fault. */
async function answering(cluster: Cluster): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${cluster.publicUrl}/nonce`, { method: 'POST' }).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the cluster did not answer again within 10 s');
}

/** Every acknowledged step is in the log, every log folds (no state it cannot explain), nothing is issued twice. */
async function checkLogs(cluster: Cluster, results: FlowResult[]) {
  const nc = await cluster.nats.connect();
  const store = await JetStreamEventStore.open(nc);
  for (const result of results.filter((r) => r.sessionId)) {
    const events: SessionEvent[] = await store.read(result.sessionId!);
    expect(() => fold(events)).not.toThrow();
    expect(events.filter((e) => e.type === 'AuthorizationCodeIssued').length).toBeLessThanOrEqual(1);
    expect(events.filter((e) => e.type === 'CredentialIssued').length).toBeLessThanOrEqual(1);
    for (const type of result.acknowledged) expect(events.map((e) => e.type), `acknowledged ${type}`).toContain(type);
  }
  await nc.close();
}

describe('faults with real processes', () => {
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
    for (const result of results) expect(result.credential ?? result.error).toMatch(result.credential ? /~/ : /\b[45]\d\d\b/);
    await checkLogs(cluster, results);
    await answering(cluster);
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
    for (const result of results) expect(result.credential ?? result.error).toMatch(result.credential ? /~/ : /\b[45]\d\d\b/);
    await checkLogs(cluster, results);
    await answering(cluster);
    const after = await runOne(await cluster.wallet());
    expect(after.credential).toContain('~');
  }, 90_000);
});
