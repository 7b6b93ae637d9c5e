import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNodeServer } from '../../transports/http/node-server.js';
import { forwardOverNats } from '../../transports/nats/gateway.js';
import { DEMO_PERSON, openDemoPidIssuer } from '../../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../../wallet/keys.js';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';
import { spawnIssuer } from './issuer-process.js';
import { startNatsServer, type RunningNats } from './nats-server.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface EngineProcess {
  child: ChildProcess;
  url: string;
}

/** A real cluster: nats-server -js, engine processes (`bin/start.ts` with NATS_URL) and an HTTP gateway forwarding over NATS. */
export interface Cluster {
  nats: RunningNats;
  dataDir: string;
  publicUrl: string;
  engines: EngineProcess[];
  startEngine: () => Promise<EngineProcess>;
  /** A wallet with a demo PID that talks to the gateway, reporting which instance answered each call. */
  wallet: (seen?: Set<string>) => Promise<ReferenceWallet>;
  stop: () => Promise<void>;
}

export async function startCluster(instances: number, gatewayTimeoutMs = 10_000): Promise<Cluster> {
  const nats = await startNatsServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-cluster-'));
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const env = { NATS_URL: nats.url, PUBLIC_URL: publicUrl, DATA_DIR: dataDir };
  const engines: EngineProcess[] = [];
  const startEngine = async () => {
    const enginePort = await freePort();
    const child = await spawnIssuer({ ...env, PORT: String(enginePort) });
    const engine = { child, url: `http://127.0.0.1:${enginePort}` };
    engines.push(engine);
    return engine;
  };
  for (let i = 0; i < instances; i++) await startEngine();
  const gatewayNc: NatsConnection = await nats.connect();
  const gateway: Server = await startNodeServer(forwardOverNats(gatewayNc, { prefix: 'pdi', timeoutMs: gatewayTimeoutMs }), { port, publicUrl, bodyLimitBytes: 65536 });
  return {
    nats, dataDir, publicUrl, engines, startEngine,
    wallet: async (seen) => {
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
    },
    stop: async () => {
      await new Promise((resolve) => gateway.close(resolve));
      await gatewayNc.close();
      for (const { child } of engines) child.kill('SIGKILL');
      await nats.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
