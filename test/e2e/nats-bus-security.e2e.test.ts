import { execFile, spawn } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { headers } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomIds } from '../../adapters/ids/random-ids.js';
import { hashSecret, newHandle, sessionOfHandle } from '../../protocol/handles.js';
import { encodeRequest } from '../../transports/nats/wire.js';
import { freePort, startCluster, type Cluster } from '../../testing/cluster.js';
import { untilPdis, untilPresentation } from '../../testing/flow-steps.js';

const run = promisify(execFile);
const subject = (sessionId: string) => `pdi.events.${sessionId}`;

/** What any client that reaches the bus may try (hardening §1): the cluster runs nats-server with the shipped permission layout. */
describe('NATS mode does not trust the bus', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(1);
  }, 60_000);
  afterAll(() => cluster.stop());

  it('hardening §1, P-20: a PresentationVerified forged into pdi.events.<session> by a client without the master secret never advances the session', async () => {
    const attacker = await cluster.wallet();
    const { authSession } = await untilPresentation(attacker);
    const sessionId = sessionOfHandle(authSession)!;
    // A client with publish rights on the bus but no keys.json: it reads the session's facts and forges the decisive one.
    const nc = await cluster.nats.connect('engine');
    const jsm = await jetstreamManager(nc);
    const opened = (await jsm.direct.getMessage('PDI_EVENTS', { seq: 1, next_by_subj: subject(sessionId) }))!.json<{
      data: { dpopJkt: string; request: Record<string, string> };
    }>();
    const pdis = newHandle(randomIds, sessionId);
    const forged = {
      type: 'PresentationVerified',
      data: {
        requestId: opened.data.request.requestId,
        state: opened.data.request.state,
        holderJkt: opened.data.dpopJkt,
        kbNonce: opened.data.request.nonce,
        kbAud: opened.data.request.verifierClientId,
        credentialDigest: hashSecret('no PID at all'),
        vct: 'urn:eudi:pid:1',
        credentialIssuer: 'https://pid-provider.demo.example',
        sealedClaims: 'v1.chosen.by.attacker',
        pdis: { hash: hashSecret(pdis), expiresAt: Date.now() + 60_000 },
      },
      meta: { v: 2, id: randomIds.eventId(), sessionId, at: Date.now() },
    };
    // It even writes the index header an engine would, so only the MAC can tell.
    const last = (await jsm.direct.getMessage('PDI_EVENTS', { last_by_subj: subject(sessionId) }))!;
    const header = headers();
    header.set('Pdi-Earlier-Seqs', [...last.header!.get('Pdi-Earlier-Seqs').split(','), String(last.seq)].join(','));
    await jetstream(nc).publish(subject(sessionId), JSON.stringify(forged), { msgID: forged.meta.id, headers: header });
    await nc.close();
    const answer = await attacker.challenge({ auth_session: authSession, presentation_during_issuance_session: pdis });
    expect(answer.status).toBe(400);
    expect(answer.body.authorization_code).toBeUndefined();
    expect(answer.body.error).toBe('invalid_request');
  });

  it('hardening §1: a backend user can neither publish to pdi.events.> nor read pdi.rpc.> or the gateway inbox; the gateway cannot read pdi.rpc.>', async () => {
    const wallet = await cluster.wallet();
    const { authSession } = await untilPresentation(wallet);
    const sessionId = sessionOfHandle(authSession)!;
    const engine = await cluster.nats.connect('engine');
    const jsm = await jetstreamManager(engine);
    const before = (await jsm.direct.getMessage('PDI_EVENTS', { last_by_subj: subject(sessionId) }))!.seq;
    const backend = await cluster.nats.connect('backend');
    const gateway = await cluster.nats.connect('gateway');
    const refused: string[] = [];
    for (const [who, nc, target] of [
      ['backend', backend, 'pdi.rpc.>'],
      ['backend', backend, '_INBOX_pdi_gateway.>'],
      ['gateway', gateway, 'pdi.rpc.>'],
      ['gateway', gateway, '_INBOX.>'],
    ] as const) {
      const sub = nc.subscribe(target);
      void sub.closed.then((error) => error && refused.push(`${who} ${target}`));
    }
    backend.publish(subject(sessionId), JSON.stringify({ type: 'Expired' }));
    await Promise.all([backend.flush(), gateway.flush()]).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(refused.sort()).toEqual([
      'backend _INBOX_pdi_gateway.>',
      'backend pdi.rpc.>',
      'gateway _INBOX.>',
      'gateway pdi.rpc.>',
    ]);
    expect((await jsm.direct.getMessage('PDI_EVENTS', { last_by_subj: subject(sessionId) }))!.seq).toBe(before);
    await Promise.all([engine.close(), backend.close(), gateway.close()]);
  });

  it('hardening §1: session keys in KV are wrapped: the stored value is not the key that sealed the claims', async () => {
    const wallet = await cluster.wallet();
    const { authSession } = await untilPdis(wallet);
    const sessionId = sessionOfHandle(authSession)!;
    const nc = await cluster.nats.connect('engine');
    const entry = await (await new Kvm(nc).open('pdi-session-keys')).get(sessionId);
    expect(entry?.value.length).toBe(12 + 32 + 16);
    const verified = (await (
      await jetstreamManager(nc)
    ).direct.getMessage('PDI_EVENTS', { last_by_subj: subject(sessionId) }))!.json<{
      data: { sealedClaims: string };
    }>();
    const { createDecipheriv } = await import('node:crypto');
    const [, iv, body, tag] = verified.data.sealedClaims.split('.');
    for (const key of [entry!.value.subarray(0, 32), entry!.value.subarray(12, 44)]) {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv!, 'base64url')).setAAD(
        Buffer.from(sessionId),
      );
      decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
      expect(() => Buffer.concat([decipher.update(Buffer.from(body!, 'base64url')), decipher.final()])).toThrow();
    }
    await nc.close();
  });

  it('seed rule (body size), hardening §1: a 600 kB body over NATS is refused with 413 like on HTTP', async () => {
    const nc = await cluster.nats.connect('gateway', { inboxPrefix: '_INBOX_pdi_gateway' });
    const request = {
      method: 'POST',
      url: new URL(`${cluster.publicUrl}/token`),
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: `a=${'x'.repeat(600_000)}`,
    };
    const reply = await nc.request('pdi.rpc.token', encodeRequest(request), { timeout: 5000 });
    expect(reply.json<{ status: number }>().status).toBe(413);
    await nc.close();
  });

  it('hardening §4: the gateway forwards the client address, so admin throttling over NATS counts each HTTP client apart', async () => {
    const attempt = (localAddress: string) =>
      new Promise<number>((resolve, reject) => {
        const target = new URL(`${cluster.publicUrl}/admin/offers`);
        const req = request(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            localAddress,
            headers: { Authorization: 'Bearer wrong-token-000000000000', 'Content-Type': 'application/json' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode!);
          },
        );
        req.once('error', reject);
        req.end('{"credential_configuration_ids":["demo_membership"]}');
      });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push(await attempt('127.0.0.2'));
    expect(statuses.at(-1)).toBe(429);
    expect(await attempt('127.0.0.1')).toBe(401);
  });

  it('hardening §1: the answering instance is never named to HTTP clients', async () => {
    const response = await fetch(`${cluster.publicUrl}/.well-known/openid-credential-issuer`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-engine-instance')).toBeNull();
    expect(cluster.answeredBy.size).toBeGreaterThan(0);
  });

  it('hardening §1: `npm run gateway` connects with the gateway user of the permission layout and forwards to the engines', async () => {
    const port = await freePort();
    const gateway = spawn(process.execPath, ['--import', 'tsx', 'bin/gateway.ts'], {
      env: { ...process.env, ...cluster.nats.env('gateway'), PORT: String(port), PUBLIC_URL: cluster.publicUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        gateway.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
        gateway.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
      });
      const metadata = await fetch(`http://127.0.0.1:${port}/.well-known/openid-credential-issuer`);
      expect(metadata.status).toBe(200);
      expect(((await metadata.json()) as { credential_issuer: string }).credential_issuer).toBe(cluster.publicUrl);
    } finally {
      gateway.kill('SIGTERM');
    }
  });

  it('rule 3: the engine and the gateway refuse to start on NATS without credentials, in one line', async () => {
    for (const script of ['bin/start.ts', 'bin/gateway.ts']) {
      const failure = await run(
        process.execPath,
        ['--import', 'tsx', script, '--demo'].slice(0, script === 'bin/start.ts' ? 4 : 3),
        {
          env: {
            ...process.env,
            NATS_URL: cluster.nats.url,
            PUBLIC_URL: 'http://127.0.0.1:1',
            DATA_DIR: cluster.dataDir,
          },
        },
      ).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code, script).toBe(1);
      expect(failure?.stderr.trim().split('\n'), script).toHaveLength(1);
      expect(failure?.stderr, script).toContain('no NATS credentials');
    }
  });
});
