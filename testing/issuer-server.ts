import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import type { AuditLog } from '../protocol/endpoints/admin-auth.js';
import { openIssuer, type Issuer } from '../issuer/open-issuer.js';
import { startNodeServer } from '../transports/http/node-server.js';
import { freePort } from './cluster.js';
import { DEMO_PERSON, openDemoPidIssuer, type DemoPidIssuer } from '../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../wallet/keys.js';
import { ReferenceWallet } from '../wallet/reference-wallet.js';

export interface RunningIssuer {
  url: string;
  issuer: Issuer;
  pidIssuer: DemoPidIssuer;
  dataDir: string;
  /** The server's clock: tests move it forward. */
  clock: { now: number };
  /** A new wallet holding a fresh PID from the demo PID provider. */
  wallet: (options?: { pidClaims?: Record<string, unknown> }) => Promise<ReferenceWallet>;
  stop: () => Promise<void>;
}

/** The issuer over real HTTP on loopback, on a fresh SQLite data directory, trusting the demo PID provider. */
export async function startIssuer(
  overrides: Partial<ConfigInput> = {},
  options: { audit?: AuditLog } = {},
): Promise<RunningIssuer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-issuer-'));
  const pidIssuer = await openDemoPidIssuer(dataDir);
  const clock = { now: Date.now() };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig(
    {},
    {
      port,
      publicUrl: url,
      dataDir,
      trustedIssuers: {
        issuers: [{ issuer: pidIssuer.issuer, jwks: { keys: [pidIssuer.publicJwk as Record<string, unknown>] } }],
      },
      ...overrides,
    },
  );
  const issuer = await openIssuer(config, { now: () => clock.now, ...(options.audit && { audit: options.audit }) });
  const server = await startNodeServer(issuer.handle, {
    port,
    publicUrl: url,
    bodyLimitBytes: config.bodyLimitBytes,
    limits: config.http,
  });
  return {
    url,
    issuer,
    pidIssuer,
    dataDir,
    clock,
    wallet: async (options = {}) => {
      const holderKey = await generateWalletKey();
      const pid = await pidIssuer.issuePid(holderKey.publicJwk, options.pidClaims ?? DEMO_PERSON, clock.now);
      return ReferenceWallet.create({ issuerUrl: url, pid, holderKey, now: () => clock.now });
    },
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await issuer.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
