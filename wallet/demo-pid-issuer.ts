import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, type JWK } from 'jose';
import { webCryptoSigner } from '../adapters/keys/web-crypto-signer.js';
import type { Config } from '../config/schema.js';
import { issueSdJwtVc } from '../protocol/openid4vci/sd-jwt-vc.js';
import { createIssuerPki } from './demo-pki.js';
import { demoPidStatusToken } from './demo-pid-status.js';

/** The demo's PID provider: a certified key the demo issuer trusts through an anchor file, kept in the data directory. */
export const DEMO_PID_ISSUER = 'https://pid-provider.demo.example';
const FILE = 'demo-pid-provider.json';
const ANCHOR = 'demo-pid-anchor.pem';
/** Where a demo issuer serves the demo provider's status list, below its public URL. */
export const DEMO_PID_STATUS_PATH = '/demo/pid-provider/status';

export interface DemoPidIssuer {
  issuer: string;
  /** The signing key (the leaf certificate's), for verifiers that trust it by JWKS instead. */
  publicJwk: JWK;
  /** The root certificate (PEM) a verifier configures as its trust anchor (`trustedIssuers.x509.anchors`). */
  anchorFile: string;
  /**
   * A PID for `holderJwk`, signed with the certificate chain in `x5c`. Opened with a status base URL,
   * it carries the status list entry `statusIdx` (default 0, the demo person's) served there.
   */
  issuePid(
    holderJwk: JWK,
    claims: Record<string, unknown>,
    now: number,
    options?: { statusIdx?: number },
  ): Promise<string>;
  /** The status list token of the demo provider's list (there is one: 0), for the demo issuer to serve. */
  statusList(list: number, now: number): Promise<string | undefined>;
}

interface StoredProvider {
  leafPrivateJwk: JWK;
  x5c: string[];
}

/** The provider's PKI: created on first use (root anchor, issuing CA, leaf), the anchor written beside it. */
async function storedProvider(dataDir: string): Promise<StoredProvider> {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const pki = await createIssuerPki({ issuer: DEMO_PID_ISSUER, now: Date.now(), validityDays: 3650 });
    writeFileSync(join(dataDir, ANCHOR), pki.anchorPem, { mode: 0o600 });
    writeFileSync(path, JSON.stringify({ leafPrivateJwk: pki.leafPrivateJwk, x5c: pki.x5c }), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(path, 'utf8')) as StoredProvider;
}

/**
 * The demo PID provider of `dataDir`, creating it on first use. Given where its status list is served
 * (a demo-mode issuer's public URL, which serves it below `DEMO_PID_STATUS_PATH`), its PIDs carry
 * status list entries (draft-ietf-oauth-status-list §6.1); without, none.
 */
export async function openDemoPidIssuer(dataDir: string, statusBaseUrl?: string): Promise<DemoPidIssuer> {
  const { leafPrivateJwk, x5c } = await storedProvider(dataDir);
  const { d: _, ...publicJwk } = leafPrivateJwk;
  const signer = webCryptoSigner('demo-pid-leaf', (await importJWK(leafPrivateJwk, 'ES256')) as CryptoKey);
  const statusUri = statusBaseUrl && `${statusBaseUrl.replace(/\/$/, '')}${DEMO_PID_STATUS_PATH}/0`;
  return {
    issuer: DEMO_PID_ISSUER,
    publicJwk,
    anchorFile: join(dataDir, ANCHOR),
    issuePid: (holderJwk, claims, now, options = {}) =>
      issueSdJwtVc({
        issuer: DEMO_PID_ISSUER,
        signingKey: signer,
        x5c,
        vct: 'urn:eudi:pid:1',
        claims,
        disclosable: Object.keys(claims),
        holderJwk,
        now,
        lifetimeSeconds: 90 * 24 * 3600,
        ...(statusUri && { status: { status_list: { idx: options.statusIdx ?? 0, uri: statusUri } } }),
      }),
    statusList: async (list, now) =>
      statusUri && list === 0 ? demoPidStatusToken({ dataDir, uri: statusUri, signer, x5c, now }) : undefined,
  };
}

/** `config` also trusting the demo PID provider, through its anchor file (E-30): what demo mode runs with. */
export function trustingDemoPidProvider(config: Config, provider: DemoPidIssuer): Config {
  const { x509 } = config.trustedIssuers;
  // The demo anchor certifies the demo provider alone: pinned, so the anchors never trust a host as a PID issuer by themselves.
  const issuers = [...x509.issuers, provider.issuer];
  const anchors = [...x509.anchors, provider.anchorFile];
  return { ...config, trustedIssuers: { ...config.trustedIssuers, x509: { ...x509, anchors, issuers } } };
}

export const DEMO_PERSON = {
  given_name: 'Erika',
  family_name: 'Mustermann',
  birthdate: '1984-01-26',
  nationality: 'DE',
};
