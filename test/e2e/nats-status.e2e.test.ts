import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_ADMIN_TOKEN, startCluster, type Cluster } from '../../testing/cluster.js';

/** I-30 on JetStream: the status store is shared, so whichever instance answers serves the change. */
describe('issued credentials’ status on two engines sharing JetStream', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(2, 10_000, { statusList: { ttlSeconds: 2 } });
  }, 60_000);
  afterAll(() => cluster.stop());

  it('I-30: a credential revoked through one instance is INVALID in the list every instance serves (within ttl/2)', async () => {
    const entries: Array<{ uri: string; idx: number }> = [];
    for (let i = 0; i < 4; i++) {
      const credential = await (await cluster.wallet()).runFlow({
        scope: 'membership',
        configurationId: 'demo_membership',
      });
      entries.push(
        (decodeJwt(credential.split('~')[0]!) as { status: { status_list: { uri: string; idx: number } } }).status
          .status_list,
      );
    }
    expect(new Set(entries.map((entry) => `${entry.uri}#${entry.idx}`)).size).toBe(4);
    const revoked = entries[1]!;
    const answer = await fetch(`${cluster.publicUrl}/admin/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${CLUSTER_ADMIN_TOKEN}` },
      body: JSON.stringify({ status_list: revoked, status: 'revoked' }),
    });
    expect(await answer.json()).toEqual({ status: 'revoked', changed: [revoked] });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    cluster.answeredBy.clear();
    for (let i = 0; i < 6; i++) {
      const list = getListFromStatusListJWT(await (await fetch(revoked.uri)).text());
      expect(entries.map((entry) => list.getStatus(entry.idx))).toEqual([0, 1, 0, 0]);
    }
    expect(cluster.answeredBy.size).toBe(2);
  });
});
