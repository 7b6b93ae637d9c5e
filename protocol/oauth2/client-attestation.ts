import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { PublicKeyImports } from '../jose/key-cache.js';
import { jwkThumbprint } from '../jose/thumbprint.js';
import { InvalidClient } from '../../engine/errors.js';
import type { ReplayCache } from '../../adapters/stores/ports.js';

export interface AttestationOptions {
  now: number;
  /** Our authorization server's issuer identifier: the PoP's audience. */
  issuer: string;
  clientId?: string;
  /** Public keys of the wallet providers we trust, by their `iss`. */
  trustedAttesters: (issuer: string) => Promise<JWK[]>;
  replay: ReplayCache;
  keyImports: PublicKeyImports;
  maxAgeSeconds?: number;
}

const ALGORITHMS = ['ES256', 'ES384', 'EdDSA'];

function fail(description: string, rule: string): never {
  throw new InvalidClient(description, rule);
}

async function verifyWith(
  jwt: string,
  keys: JWK[],
  typ: string,
  { now, keyImports }: AttestationOptions,
): Promise<JWTPayload | undefined> {
  let alg: string | undefined;
  try {
    ({ alg } = decodeProtectedHeader(jwt));
  } catch {
    return undefined;
  }
  if (!alg || !ALGORITHMS.includes(alg)) return undefined;
  for (const key of keys) {
    try {
      return (
        await jwtVerify(jwt, await keyImports.import(key, alg), {
          algorithms: ALGORITHMS,
          typ,
          currentDate: new Date(now),
        })
      ).payload;
    } catch {}
  }
  return undefined;
}

/**
 * Wallet attestation (draft-ietf-oauth-attestation-based-client-auth): the
 * `OAuth-Client-Attestation` JWT from a trusted wallet provider and its PoP signed by the
 * wallet-instance key. Answers the client id and the thumbprint of that key, which the
 * session is bound to; undefined when neither header was sent.
 */
export async function verifyClientAttestation(
  headers: { attestation?: string | null; pop?: string | null },
  options: AttestationOptions,
): Promise<{ clientId: string; jkt: string } | undefined> {
  const { attestation, pop } = headers;
  if (!attestation && !pop) return undefined;
  // ABCA §5: both headers or none.
  if (!attestation || !pop) fail('OAuth-Client-Attestation and OAuth-Client-Attestation-PoP go together', 'ABCA §5');
  let issuer: unknown;
  try {
    issuer = decodeJwt(attestation).iss;
  } catch {
    fail('the wallet attestation is not a JWT', 'ABCA §5.1');
  }
  if (typeof issuer !== 'string') fail('the wallet attestation has no iss', 'ABCA §5.1');
  // ABCA §5.1, seed 002 I-50: signed by a wallet provider we trust, not expired.
  const claims = await verifyWith(
    attestation,
    await options.trustedAttesters(issuer),
    'oauth-client-attestation+jwt',
    options,
  );
  if (!claims)
    fail('the wallet attestation is not from a trusted wallet provider, or is invalid or expired', 'ABCA §5.1');
  if (typeof claims.exp !== 'number') fail('the wallet attestation has no exp', 'ABCA §5.1');
  const sub = claims.sub;
  if (typeof sub !== 'string' || (options.clientId !== undefined && sub !== options.clientId))
    fail('the wallet attestation sub is not the client_id', 'ABCA §5.1');
  const cnf = (claims.cnf as { jwk?: JWK } | undefined)?.jwk;
  if (!cnf || typeof cnf !== 'object' || 'd' in cnf) fail('the wallet attestation has no public cnf.jwk', 'ABCA §5.1');
  // ABCA §5.2: the PoP is signed by the attested instance key, for us, fresh and single use.
  const proof = await verifyWith(pop, [cnf], 'oauth-client-attestation-pop+jwt', options);
  if (!proof) fail('the attestation PoP is not signed by the attested key', 'ABCA §5.2');
  const audience = Array.isArray(proof.aud) ? proof.aud : [proof.aud];
  if (!audience.includes(options.issuer)) fail('the attestation PoP is not for this authorization server', 'ABCA §5.2');
  if (proof.iss !== undefined && proof.iss !== sub)
    fail('the attestation PoP iss differs from the attestation sub', 'ABCA §5.2');
  const maxAge = options.maxAgeSeconds ?? 300;
  const nowSeconds = options.now / 1000;
  if (typeof proof.iat !== 'number' || proof.iat < nowSeconds - maxAge || proof.iat > nowSeconds + 60)
    fail('the attestation PoP iat is outside the accepted window', 'ABCA §5.2');
  if (typeof proof.jti !== 'string' || proof.jti.length === 0 || proof.jti.length > 256)
    fail('the attestation PoP needs a jti', 'ABCA §5.2');
  const jkt = jwkThumbprint(cnf);
  if (
    !(await options.replay.useOnce(`attestation-pop:${jkt}:${proof.jti}`, (proof.iat + maxAge) * 1000 + 1, options.now))
  )
    fail('the attestation PoP was already used', 'ABCA §12.1 (replay)');
  return { clientId: sub, jkt };
}
