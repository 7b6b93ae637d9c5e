import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { ConfigInput } from '../../config/schema.js';
import { createIssuer, type Issuer, sqlitePreset } from '../../issuer/index.js';
import { generateWalletKey, type WalletFetch } from '../../wallet/index.js';
import type { ConformanceTarget, PidTrust } from '../target.js';

/** Our own issuer in-process, configured like the target: the model whose answers the target's must agree with. */
export interface ModelIssuer {
  /** The target as the model: the same issuer URL, the same PIDs, every request served in-process. */
  target: ConformanceTarget;
  close(): Promise<void>;
}

/** The `iss`, `vct` and top-level disclosure names of a PID the target trusts. */
async function pidProfile(target: ConformanceTarget) {
  const pid = await target.mintPid((await generateWalletKey()).publicJwk, Date.now());
  const [issuerJwt = '', ...disclosures] = pid.split('~');
  const { iss, vct } = decodeJwt(issuerJwt);
  const claims = disclosures
    .filter(Boolean)
    .map((d) => (JSON.parse(Buffer.from(d, 'base64url').toString()) as unknown[])[1])
    .filter((name): name is string => typeof name === 'string');
  if (typeof iss !== 'string' || typeof vct !== 'string' || claims.length === 0)
    throw new Error('the minted PID names no iss or vct, or discloses no claim');
  return { iss, vct, claims };
}

function trustOf(issuer: string, trust: PidTrust): ConfigInput['trustedIssuers'] {
  return 'jwks' in trust
    ? { issuers: [{ issuer, jwks: trust.jwks as { keys: Record<string, unknown>[] } }] }
    : { x509: { anchors: [trust.anchorFile], issuers: [issuer] } };
}

async function metadataOf(target: ConformanceTarget): Promise<Record<string, unknown>> {
  const url = new URL(target.issuerUrl);
  const path = url.pathname === '/' ? '' : url.pathname;
  const response = await (target.fetch ?? fetch)(`${url.origin}/.well-known/openid-credential-issuer${path}`);
  if (response.status !== 200) throw new Error(`the target's issuer metadata answered ${response.status}`);
  return JSON.parse(await response.text()) as Record<string, unknown>;
}

/**
 * Configure the model from what the target tells: its issuer URL (so URLs, DPoP `htu` and key
 * proof audiences are the same strings), its credential configuration's id, scope and vct, the
 * PID's issuer, type and claims, and the dialects asked for. Everything else is our defaults.
 * Comparisons the defaults would make unfair are left out of the steps instead: no step waits for a
 * lifetime to pass, a run opens far fewer sessions than any rate limit, every credential request has one proof.
 */
export async function openModelIssuer(target: ConformanceTarget): Promise<ModelIssuer> {
  if (!target.pidTrust) throw new Error('the model needs pidTrust: whom the target trusts for its PIDs');
  const pid = await pidProfile(target);
  const supported = (await metadataOf(target)).credential_configurations_supported as
    | Record<string, { vct?: unknown }>
    | undefined;
  const vct = supported?.[target.configurationId]?.vct;
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-model-'));
  const config: ConfigInput = {
    publicUrl: target.issuerUrl,
    dataDir,
    log: { level: 'error' },
    credentialConfigurations: {
      [target.configurationId]: {
        vct: typeof vct === 'string' ? vct : 'urn:pdi-engine:conformance-model',
        scope: target.scope,
        requires: { vctValues: [pid.vct], claims: pid.claims },
        claimMapping: {},
      },
    },
    trustedIssuers: trustOf(pid.iss, target.pidTrust),
    // The PID's status is the target's policy (E-50): its minter mints PIDs the target accepts, so the
    // model accepts a PID without a status entry and one whose list it cannot fetch; a listed one it checks.
    verifier: { pidStatus: { withoutStatus: 'accept', unavailable: 'accept' } },
    interactiveAuthorization: { iae: { enabled: target.dialects.some((d) => d === 's1' || d === 's2') } },
  };
  let issuer: Issuer;
  try {
    issuer = createIssuer({ config, ...(await sqlitePreset(config)) });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const inProcess: WalletFetch = (url, init = {}) => issuer.fetch(new Request(url, init));
  return {
    target: { ...target, fetch: inProcess },
    close: async () => {
      await issuer.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
