import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { KeyRing } from '../adapters/keys/keyring.js';
import type { ConfigInput } from '../config/schema.js';
import { stateProtection, type StateProtection } from '../adapters/keys/state-protection.js';
import { startNodeServer } from '../transports/http/node-server.js';
import { GATEWAY_INBOX_PREFIX } from '../transports/nats/connection.js';
import { forwardOverNats } from '../transports/nats/gateway.js';
import { DEMO_PERSON, openDemoPidIssuer } from '../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../wallet/keys.js';
import { ReferenceWallet } from '../wallet/reference-wallet.js';
import { spawnIssuer } from './issuer-process.js';
import { freePort, startNatsServer, type RunningNats } from './nats-server.js';

/** The admin token of every engine of a test cluster. */
export const CLUSTER_ADMIN_TOKEN = 'cluster-admin-token-0000000001';

export { freePort };

export interface EngineProcess {
  child: ChildProcess;
  url: string;
}

/**
 * A real cluster: nats-server -js (one, or the three-node `startNatsCluster`), engine processes
 * (`bin/start.ts` with NATS_URL) and an HTTP gateway forwarding over NATS.
 */
export interface Cluster<Nats extends RunningNats = RunningNats> {
  nats: Nats;
  dataDir: string;
  publicUrl: string;
  engines: EngineProcess[];
  startEngine: () => Promise<EngineProcess>;
  /** The engine instances that answered the gateway so far (from the NATS reply header; HTTP clients never see it). */
  answeredBy: Set<string>;
  /**
   * The record MAC and key wrap the engines derive from the shared keys.json, for tests that read JetStream directly.
   * @internal
   */
  protection: () => Promise<StateProtection>;
  /** A wallet with a demo PID that talks to the gateway. */
  wallet: () => Promise<ReferenceWallet>;
  stop: () => Promise<void>;
}

export async function startCluster<Nats extends RunningNats = RunningNats>(
  instances: number,
  gatewayTimeoutMs = 10_000,
  /** Configuration every engine starts with (a config file in the data directory), beside the environment. */
  config?: Partial<ConfigInput>,
  /** The NATS servers the engines and the gateway use (stopped with the cluster): one `startNatsServer` by default. */
  startNats: () => Promise<Nats> = startNatsServer as () => Promise<Nats>,
): Promise<Cluster<Nats>> {
  const nats = await startNats();
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-cluster-'));
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const configFile = join(dataDir, 'cluster-config.json');
  if (config) writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
  const env = {
    ...nats.env('engine'),
    PUBLIC_URL: publicUrl,
    DATA_DIR: dataDir,
    ADMIN_TOKEN: CLUSTER_ADMIN_TOKEN,
    ...(config && { CONFIG_FILE: configFile }),
  };
  const engines: EngineProcess[] = [];
  const startEngine = async () => {
    const enginePort = await freePort();
    const child = await spawnIssuer({ ...env, PORT: String(enginePort) });
    const engine = { child, url: `http://127.0.0.1:${enginePort}` };
    engines.push(engine);
    return engine;
  };
  for (let i = 0; i < instances; i++) await startEngine();
  const gatewayNc: NatsConnection = await nats.connect('gateway', { inboxPrefix: GATEWAY_INBOX_PREFIX });
  const answeredBy = new Set<string>();
  const forward = forwardOverNats(gatewayNc, {
    prefix: 'pdi',
    timeoutMs: gatewayTimeoutMs,
    onAnswered: (_, instance) => instance && answeredBy.add(instance),
  });
  const gateway: Server = await startNodeServer(forward, { port, publicUrl, bodyLimitBytes: 65536 });
  return {
    nats,
    dataDir,
    publicUrl,
    engines,
    startEngine,
    answeredBy,
    protection: async () =>
      stateProtection(await KeyRing.open(dataDir, { now: Date.now(), subjectDns: new URL(publicUrl).hostname })),
    wallet: async () => {
      const pidIssuer = await openDemoPidIssuer(dataDir, publicUrl);
      const holderKey = await generateWalletKey();
      const pid = await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
      return ReferenceWallet.create({ issuerUrl: publicUrl, pid, holderKey });
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
