import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DEMO_CREDENTIALS } from '../../config/load.js';
import type { ConfigInput } from '../../config/schema.js';
import { createIssuer, type Issuer, sqlitePreset } from '../../issuer/index.js';
import { siteRootWellKnownPaths } from '../../protocol/issuer-path.js';
import { freePort } from '../../testing/cluster.js';
import { DEMO_PERSON, openDemoPidIssuer } from '../../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../../wallet/keys.js';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';

/** How a host serves the issuer on 127.0.0.1:port, mounted under `mountPath`, as its recipe in docs/recipes does; resolves to its close. */
export type Host = (issuer: Issuer, port: number, mountPath: string) => Promise<() => Promise<void>>;

export interface MountedIssuer {
  /** The site's origin, `http://127.0.0.1:<port>`. */
  origin: string;
  /** The issuer identifier, with the mount path. */
  publicUrl: string;
  issuer: Issuer;
  /** A reference wallet with a fresh PID from the demo PID provider the issuer trusts. */
  wallet: () => Promise<ReferenceWallet>;
  stop: () => Promise<void>;
}

/**
 * The recipes' issuer (docs/recipes/*.mjs): a trusted-issuers file holding the demo PID provider,
 * `{ publicUrl, dataDir, credentialConfigurations: DEMO_CREDENTIALS, trustedIssuers: { file } }` on
 * the SQLite preset, served by `host` under `/oid4vci`.
 */
export async function mountIssuer(host: Host, extra: Partial<ConfigInput> = {}): Promise<MountedIssuer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-mount-'));
  const pidIssuer = await openDemoPidIssuer(join(dataDir, 'pid-provider'));
  const file = join(dataDir, 'trusted-issuers.json');
  writeFileSync(
    file,
    JSON.stringify({ issuers: [{ issuer: pidIssuer.issuer, jwks: { keys: [pidIssuer.publicJwk] } }] }),
    {
      mode: 0o600,
    },
  );
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const publicUrl = `${origin}/oid4vci`;
  const config: ConfigInput = {
    publicUrl,
    dataDir,
    credentialConfigurations: DEMO_CREDENTIALS,
    trustedIssuers: { file },
    // Its PIDs name no status list (no demo issuer serves one here): accepted, as this embedder says.
    verifier: { pidStatus: { withoutStatus: 'accept' } },
    ...extra,
  };
  const issuer = createIssuer({ config, ...(await sqlitePreset(config)) });
  issuer.start();
  const close = await host(issuer, port, new URL(publicUrl).pathname);
  return {
    origin,
    publicUrl,
    issuer,
    wallet: async () => {
      const holderKey = await generateWalletKey();
      const pid = await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
      return ReferenceWallet.create({ issuerUrl: publicUrl, pid, holderKey });
    },
    stop: async () => {
      await close();
      await issuer.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The checks every host passes: a whole flow through the mount (DPoP `htu` on the public URL) and both well-known forms. */
export async function expectServedUnderMount(mounted: MountedIssuer): Promise<void> {
  const wallet = await mounted.wallet();
  const credential = await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' });
  expect(credential.split('~').length).toBeGreaterThan(1);
  const documents = [
    ...siteRootWellKnownPaths(mounted.publicUrl).map((path) => `${mounted.origin}${path}`),
    `${mounted.publicUrl}/.well-known/openid-credential-issuer`,
    `${mounted.publicUrl}/.well-known/oauth-authorization-server`,
    `${mounted.publicUrl}/.well-known/jwt-vc-issuer`,
  ];
  for (const url of documents) {
    const response = await fetch(url);
    expect([url, response.status]).toEqual([url, 200]);
    const body = (await response.json()) as { credential_issuer?: string; issuer?: string };
    expect(body.credential_issuer ?? body.issuer).toBe(mounted.publicUrl);
  }
}
