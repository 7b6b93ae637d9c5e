import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { IssuerKeys } from '../adapters/keys/ports.js';
import type { ConfigInput } from '../config/schema.js';
import { composeIssuer, type Issuer, type IssuerPorts, sqlitePreset } from '../issuer/index.js';
import type { IssuerContext } from '../protocol/issuer-context.js';
import type { Logger } from '../protocol/ports.js';
import { startNodeServer } from '../transports/http/node-server.js';
import { freePort } from './cluster.js';
import {
  DEMO_PERSON,
  openDemoPidIssuer,
  trustingDemoPidProvider,
  type DemoPidIssuer,
} from '../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../wallet/keys.js';
import { ReferenceWallet } from '../wallet/reference-wallet.js';

export interface RunningIssuer {
  url: string;
  issuer: Issuer;
  /** The ports the issuer was given (SQLite preset): stores, keys, trust. */
  ports: IssuerPorts;
  /**
   * Test support: the context the issuer's handlers share (configuration, engine, sealer,
   * pseudonyms, caches), for tests that check what is stored. Not part of the issuer's API.
   * @internal
   */
  internals: IssuerContext;
  pidIssuer: DemoPidIssuer;
  dataDir: string;
  /** The server's clock: tests move it forward. */
  clock: { now: number };
  /** A new wallet holding a fresh PID from the demo PID provider (its status list entry `statusIdx`, default 0). */
  wallet: (options?: { pidClaims?: Record<string, unknown>; statusIdx?: number }) => Promise<ReferenceWallet>;
  stop: () => Promise<void>;
}

/**
 * The issuer over real HTTP on loopback, on a fresh SQLite data directory, in demo mode: trusting the
 * demo PID provider through its anchor file and serving its status list. `keys` replaces the preset's keys (it gets them, and the public URL's host, to build on).
 * It logs warnings and errors only, unless `overrides.log` or `logger` says otherwise: a test run's
 * output is not an access log.
 */
export async function startIssuer(
  overrides: Partial<ConfigInput> = {},
  options: {
    logger?: Logger;
    keys?: (presetKeys: IssuerKeys, subjectDns: string) => IssuerKeys | Promise<IssuerKeys>;
  } = {},
): Promise<RunningIssuer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-issuer-'));
  const clock = { now: Date.now() };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const pidIssuer = await openDemoPidIssuer(dataDir, url);
  const base = loadConfig({}, { port, publicUrl: url, dataDir, demo: true, log: { level: 'warn' }, ...overrides });
  // The demo PID provider is trusted through its anchor file, as `npm start` trusts it, unless the test says whom to trust.
  const config = overrides.trustedIssuers ? base : trustingDemoPidProvider(base, pidIssuer);
  const now = () => clock.now;
  const preset = await sqlitePreset(config, now);
  let ports = preset;
  try {
    if (options.keys) ports = { ...preset, keys: await options.keys(preset.keys, new URL(config.publicUrl).hostname) };
  } catch (error) {
    await preset.stores.close();
    throw error;
  }
  const { issuer, context } = composeIssuer({
    config,
    ...ports,
    clock: now,
    ...(options.logger && { logger: options.logger }),
    demoPidProvider: pidIssuer,
  });
  const server = await startNodeServer(issuer.handle, {
    port,
    publicUrl: url,
    bodyLimitBytes: config.bodyLimitBytes,
    limits: config.http,
  });
  return {
    url,
    issuer,
    ports,
    internals: context,
    pidIssuer,
    dataDir,
    clock,
    wallet: async (options = {}) => {
      const holderKey = await generateWalletKey();
      const pid = await pidIssuer.issuePid(holderKey.publicJwk, options.pidClaims ?? DEMO_PERSON, clock.now, {
        ...(options.statusIdx !== undefined && { statusIdx: options.statusIdx }),
      });
      return ReferenceWallet.create({ issuerUrl: url, pid, holderKey, now: () => clock.now });
    },
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await issuer.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
