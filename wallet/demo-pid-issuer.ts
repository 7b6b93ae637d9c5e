import { webCryptoSigner } from '../adapters/keys/web-crypto-signer.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { issueSdJwtVc } from '../protocol/openid4vci/sd-jwt-vc.js';

/** The demo's PID provider: a key the demo issuer trusts, kept in the data directory. */
export const DEMO_PID_ISSUER = 'https://pid-provider.demo.example';
const FILE = 'demo-pid-issuer.json';

export interface DemoPidIssuer {
  issuer: string;
  publicJwk: JWK;
  issuePid(holderJwk: JWK, claims: Record<string, unknown>, now: number): Promise<string>;
}

/** Load the demo PID provider's key from `dataDir`, creating it on first use. */
export async function openDemoPidIssuer(dataDir: string): Promise<DemoPidIssuer> {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    writeFileSync(path, JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'demo-pid-1' }), { mode: 0o600 });
  }
  const { d: _, ...publicJwk } = JSON.parse(readFileSync(path, 'utf8')) as JWK;
  const privateKey = (await importJWK(JSON.parse(readFileSync(path, 'utf8')) as JWK, 'ES256')) as CryptoKey;
  return {
    issuer: DEMO_PID_ISSUER,
    publicJwk,
    issuePid: (holderJwk, claims, now) =>
      issueSdJwtVc({
        issuer: DEMO_PID_ISSUER,
        signingKey: webCryptoSigner(publicJwk.kid ?? 'demo-pid-1', privateKey),
        vct: 'urn:eudi:pid:1',
        claims,
        disclosable: Object.keys(claims),
        holderJwk,
        now,
        lifetimeSeconds: 365 * 24 * 3600,
      }),
  };
}

export const DEMO_PERSON = {
  given_name: 'Erika',
  family_name: 'Mustermann',
  birthdate: '1984-01-26',
  nationality: 'DE',
};
