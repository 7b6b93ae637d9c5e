import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchHandler } from '../../transports/http/fetch-handler.js';
import { startNodeServer } from '../../transports/http/node-server.js';
import { forwardOverNats } from '../../transports/nats/gateway.js';
import { DEMO_PERSON, openDemoPidIssuer } from '../../wallet/demo-pid-issuer.js';
import { dpopProof, generateWalletKey } from '../../wallet/keys.js';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';
import { untilPdis } from '../support/flow-steps.js';
import { startNatsServer, type RunningNats } from '../support/nats-server.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One engine process (`bin/start.ts`) on JetStream, answering over NATS and on its own HTTP port. */
async function startEngine(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`engine exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

describe('two engine processes on one JetStream stream behind an HTTP front forwarding over NATS', () => {
  let nats: RunningNats;
  let dataDir: string;
  let engines: Array<{ child: ChildProcess; url: string }>;
  let gateway: Server;
  let gatewayNc: NatsConnection;
  let publicUrl: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    dataDir = mkdtempSync(join(tmpdir(), 'pdi-cluster-'));
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const env = { NATS_URL: nats.url, PUBLIC_URL: publicUrl, DATA_DIR: dataDir };
    engines = [await startEngine(env)];
    engines.push(await startEngine(env));
    gatewayNc = await nats.connect();
    gateway = await startNodeServer(createFetchHandler(forwardOverNats(gatewayNc, { prefix: 'pdi' }), { publicUrl, bodyLimitBytes: 65536 }), port);
  }, 60_000);

  afterAll(async () => {
    await new Promise((resolve) => gateway.close(resolve));
    await gatewayNc.close();
    for (const { child } of engines) child.kill('SIGKILL');
    await nats.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function newWallet(seen?: Set<string>) {
    const pidIssuer = await openDemoPidIssuer(dataDir);
    const holderKey = await generateWalletKey();
    const pid = await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const instance = response.headers.get('x-engine-instance');
      if (instance) seen?.add(instance);
      return response;
    };
    return ReferenceWallet.create({ issuerUrl: publicUrl, pid, holderKey, fetch: recording });
  }

  it('completes flows whose steps land on different instances, and publishes a domain event per credential', async () => {
    const seen = new Set<string>();
    const issued: string[] = [];
    const listener = await nats.connect();
    const subscription = listener.subscribe('pdi.domain.CredentialIssued', { callback: (_, message) => void issued.push(message.string()) });
    await listener.flush();
    for (let i = 0; i < 6; i++) {
      const wallet = await newWallet(seen);
      expect(await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' })).toContain('~');
    }
    expect(seen.size).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(issued).toHaveLength(6);
    expect(JSON.parse(issued[0]!)).toMatchObject({ type: 'CredentialIssued', credentialConfigurationId: 'demo_membership' });
    subscription.unsubscribe();
    await listener.close();
  });

  it('P-20, PDI-DE: the same second challenge sent to both instances at once yields exactly one authorization code', async () => {
    const wallet = await newWallet();
    const { authSession, pdis } = await untilPdis(wallet);
    const body = new URLSearchParams({ client_id: wallet.clientId, auth_session: authSession, presentation_during_issuance_session: pdis }).toString();
    const answers = await Promise.all(
      engines.map(async ({ url }) => {
        const proof = await dpopProof(wallet.dpopKey, { method: 'POST', url: `${publicUrl}/authorize-challenge`, now: Date.now() });
        const response = await fetch(`${url}/authorize-challenge`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', DPoP: proof }, body });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      }),
    );
    expect(answers.filter((a) => a.status === 200 && a.body.authorization_code)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(1);
  });
});
