import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dpopProof } from '../../wallet/keys.js';
import { startCluster, type Cluster } from '../../testing/cluster.js';
import { untilPdis } from '../../testing/flow-steps.js';

describe('two engine processes on one JetStream stream behind an HTTP front forwarding over NATS', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(2);
  }, 60_000);
  afterAll(() => cluster.stop());

  it('completes flows whose steps land on different instances, and publishes domain events a backend user may read, without sealed claims (rule 3)', async () => {
    const events: Array<Record<string, unknown>> = [];
    const listener = await cluster.nats.connect('backend');
    const subscription = listener.subscribe('pdi.domain.>', {
      callback: (_, message) => void events.push(message.json()),
    });
    await listener.flush();
    cluster.answeredBy.clear();
    for (let i = 0; i < 6; i++) {
      const wallet = await cluster.wallet();
      expect(await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' })).toContain('~');
    }
    expect(cluster.answeredBy.size).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const issued = events.filter((event) => event.type === 'CredentialIssued');
    expect(issued).toHaveLength(6);
    expect(issued[0]).toMatchObject({
      type: 'CredentialIssued',
      data: { credentialConfigurationId: 'demo_membership' },
    });
    expect(events.filter((event) => event.type === 'PresentationVerified')).toHaveLength(6);
    expect(events.some((event) => JSON.stringify(event).includes('sealedClaims'))).toBe(false);
    subscription.unsubscribe();
    await listener.close();
  });

  it('seed 002 §3.3: no JetStream file holds a presented claim value', () => {
    const files = readdirSync(cluster.nats.storeDir, { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(join(file.parentPath, file.name));
      for (const value of ['Erika', 'Mustermann', '1984-01-26'])
        expect(bytes.includes(value), `${value} in ${file.name}`).toBe(false);
    }
  });

  it('P-20, PDI-DE: the same second challenge sent to both instances at once yields exactly one authorization code', async () => {
    const wallet = await cluster.wallet();
    const { authSession, pdis } = await untilPdis(wallet);
    const body = new URLSearchParams({
      client_id: wallet.clientId,
      auth_session: authSession,
      presentation_during_issuance_session: pdis,
    }).toString();
    const answers = await Promise.all(
      cluster.engines.map(async ({ url }) => {
        const proof = await dpopProof(wallet.dpopKey, {
          method: 'POST',
          url: `${cluster.publicUrl}/authorize-challenge`,
          now: Date.now(),
        });
        const response = await fetch(`${url}/authorize-challenge`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', DPoP: proof },
          body,
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      }),
    );
    expect(answers.filter((a) => a.status === 200 && a.body.authorization_code)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(1);
  });
});
