import { headers, type NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../testing/index.js';
import { GATEWAY_INBOX_PREFIX } from '../../transports/nats/connection.js';
import { nativeNatsFetch } from '../../transports/nats/native-client.js';
import { DEMO_PERSON, generateWalletKey, openDemoPidIssuer, ReferenceWallet } from '../../wallet/index.js';

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

/** Issue 16 §1: a NATS-native backend sends the body as it is and the resource and protocol headers as NATS headers. */
describe('the NATS-native message format', () => {
  let cluster: Cluster;
  let client: NatsConnection;
  beforeAll(async () => {
    cluster = await startCluster(1);
    // A native client has the gateway's permissions (publish pdi.rpc.>, replies on its own inbox prefix).
    client = await cluster.nats.connect('gateway', { inboxPrefix: GATEWAY_INBOX_PREFIX });
  }, 60_000);
  afterAll(async () => {
    await client.close();
    await cluster.stop();
  });

  const native = (subject: string, path: string, extra: Record<string, string> = {}) => {
    const request = headers();
    request.set('Pdi-Path', path);
    for (const [name, value] of Object.entries(extra)) request.set(name, value);
    return client.request(subject, '', { timeout: 5000, headers: request });
  };

  it('issue 16 §1: the whole flow runs over the native format (DPoP htu is the public URL), credential issued', async () => {
    const pidIssuer = await openDemoPidIssuer(cluster.dataDir, cluster.publicUrl);
    const holderKey = await generateWalletKey();
    const pid = await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
    const fetch = nativeNatsFetch(client, { prefix: 'pdi', publicUrl: cluster.publicUrl });
    const wallet = await ReferenceWallet.create({ issuerUrl: cluster.publicUrl, pid, holderKey, fetch });
    const credential = await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' });
    expect(credential.split('~')[0]!.split('.')).toHaveLength(3);
  });

  it('issue 16 §1: a native reply carries the body as it is, Pdi-Status and the protocol headers', async () => {
    const reply = await native('pdi.rpc.metadata', '/.well-known/openid-credential-issuer');
    expect(reply.headers?.get('Pdi-Status')).toBe('200');
    expect(reply.headers?.get('Content-Type')).toMatch(/^application\/json/);
    expect(reply.json<{ credential_issuer: string }>().credential_issuer).toBe(cluster.publicUrl);
  });

  it.each([
    ['a relative path', 'token'],
    ['another origin', '//evil.example/token'],
    ['a path with a space', '/to ken'],
  ])(
    'issue 16 §1, rule 4: Pdi-Path as %s is refused with invalid_request and the service error headers',
    async (_, path) => {
      const reply = await native('pdi.rpc.token', path);
      expect(reply.headers?.get('Pdi-Status')).toBe('400');
      expect(reply.headers?.get('Nats-Service-Error-Code')).toBe('400');
      expect(reply.json()).toMatchObject({ error: 'invalid_request' });
    },
  );

  it('issue 16 §1, rule 4: a Pdi-Method that is no HTTP method is refused', async () => {
    const reply = await native('pdi.rpc.token', '/token', { 'Pdi-Method': 'post me' });
    expect(reply.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('Pdi-Method'),
    });
  });

  it('issue 16 §1: INFO gives each endpoint the JSON Schemas of the envelope and the native paths it serves', async () => {
    const info =
      (await client.request('$SRV.INFO.pdi-engine', '', { timeout: 2000 }).catch(() => undefined)) ?? undefined;
    expect(info).toBeUndefined(); // the gateway user may not discover: only backends and engines may (deploy/nats-server.conf)
    const backend = await cluster.nats.connect('backend', { inboxPrefix: '_INBOX_pdi_discovery' });
    try {
      const answer = (await backend.request('$SRV.INFO.pdi-engine', '', { timeout: 2000 })).json<{
        endpoints: Array<{ name: string; metadata: Record<string, string> }>;
      }>();
      const token = answer.endpoints.find((endpoint) => endpoint.name === 'token')!;
      const schema = JSON.parse(token.metadata.request_schema!) as {
        properties: Record<string, unknown>;
        required: string[];
      };
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['method', 'url', 'headers', 'body']));
      expect(JSON.parse(token.metadata.response_schema!).required).toEqual(['status', 'headers', 'body']);
      expect(token.metadata.native_paths).toBe('/token, /token/…');
    } finally {
      await backend.close();
    }
  });
});
