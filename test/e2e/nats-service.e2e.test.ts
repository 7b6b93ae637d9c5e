import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../testing/cluster.js';

/** Issue 16 §1: the engines are a NATS micro service that `nats micro ls|info|stats` (ADR-32) finds. */
describe('the engines as a NATS service ($SRV discovery)', () => {
  let cluster: Cluster;
  let backend: NatsConnection;
  beforeAll(async () => {
    cluster = await startCluster(2);
    // A backend discovers on an inbox prefix of its own (deploy/nats-server.conf): it never reads other replies.
    backend = await cluster.nats.connect('backend', { inboxPrefix: '_INBOX_pdi_discovery' });
  }, 60_000);
  afterAll(async () => {
    await backend.close();
    await cluster.stop();
  });

  /** Every instance's answer to a discovery request. */
  async function ask(subject: string): Promise<Array<Record<string, unknown>>> {
    const answers: Array<Record<string, unknown>> = [];
    for await (const message of await backend.requestMany(subject, '', { maxWait: 1000 }))
      answers.push(message.json() as Record<string, unknown>);
    return answers;
  }

  it('issue 16 §1, ADR-32: $SRV.PING finds both engines, each with its own id and the package version', async () => {
    const pings = await ask('$SRV.PING');
    expect(pings).toHaveLength(2);
    expect(new Set(pings.map((ping) => ping.id)).size).toBe(2);
    for (const ping of pings)
      expect(ping).toMatchObject({ type: 'io.nats.micro.v1.ping_response', name: 'pdi-engine', version: '0.1.0' });
    const one = String(pings[0]!.id);
    expect((await ask(`$SRV.PING.pdi-engine.${one}`)).map((ping) => ping.id)).toEqual([one]);
  });

  it('issue 16 §1, ADR-32: $SRV.INFO lists an endpoint per protocol operation with its subject and queue group', async () => {
    const [info] = await ask('$SRV.INFO.pdi-engine');
    const endpoints = (info!.endpoints as Array<{ name: string; subject: string; queue_group: string }>).map(
      (endpoint) => [endpoint.name, endpoint.subject, endpoint.queue_group],
    );
    expect(endpoints).toContainEqual(['token', 'pdi.rpc.token', 'pdi-engine']);
    expect(endpoints).toContainEqual(['authorize-challenge', 'pdi.rpc.authorize-challenge', 'pdi-engine']);
    expect(info).toMatchObject({
      type: 'io.nats.micro.v1.info_response',
      description: expect.stringContaining('OpenID4VCI'),
    });
  });

  it('issue 16 §1, ADR-32: $SRV.STATS counts the requests each instance answered, errors as such; error replies carry Nats-Service-Error headers', async () => {
    const wallet = await cluster.wallet();
    await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' });
    await wallet.token('not-a-code');
    const stats = await ask('$SRV.STATS');
    const endpoint = (name: string) =>
      stats
        .flatMap((s) => s.endpoints as Array<{ name: string; num_requests: number; num_errors: number }>)
        .filter((e) => e.name === name);
    expect(endpoint('token').reduce((sum, e) => sum + e.num_requests, 0)).toBe(2);
    expect(endpoint('token').reduce((sum, e) => sum + e.num_errors, 0)).toBe(1);
    const gateway = await cluster.nats.connect('engine');
    try {
      const reply = await gateway.request('pdi.rpc.token', 'not a request', { timeout: 2000 });
      expect([reply.headers?.get('Nats-Service-Error-Code'), reply.headers?.get('Nats-Service-Error')]).toEqual([
        '400',
        'HTTP 400',
      ]);
    } finally {
      await gateway.close();
    }
  });
});
