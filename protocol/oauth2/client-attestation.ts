import { decodeJwt, type JWK } from 'jose';
import { CLIENT_ATTESTATION_ALGORITHMS } from '../capabilities.js';
import { jwkThumbprint } from '../jose/thumbprint.js';
import { acceptedUntil, verifyJwt, type JwtProfile, type Refusals } from '../jose/verify-jwt.js';
import type { PublicKeyImports } from '../jose/key-cache.js';
import { withCause } from '../jose/with-cause.js';
import { InvalidClient } from '../../engine/index.js';
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
}

const fail = (description: string, rule: string) => (cause?: unknown) =>
  withCause(new InvalidClient(description, rule), cause);

/** ABCA §5.1, seed 002 I-50: signed by a wallet provider we trust, with an exp, not expired. */
const ATTESTATION: JwtProfile = {
  typ: 'oauth-client-attestation+jwt',
  algorithms: CLIENT_ATTESTATION_ALGORITHMS,
  requiredClaims: ['exp'],
};
const untrusted = fail(
  'the wallet attestation is not from a trusted wallet provider, or is invalid or expired',
  'ABCA §5.1',
);
const ATTESTATION_REFUSALS: Refusals = {
  malformed: fail('the wallet attestation is not a JWT', 'ABCA §5.1'),
  typ: untrusted,
  alg: untrusted,
  invalid: untrusted,
};

/** ABCA §5.2: the PoP is signed by the attested instance key, for us, fresh (iat within 5 minutes, 60 s of skew). */
function popProfile(issuer: string): JwtProfile {
  return {
    typ: 'oauth-client-attestation-pop+jwt',
    algorithms: CLIENT_ATTESTATION_ALGORITHMS,
    audience: issuer,
    maxTokenAge: 240,
    clockTolerance: 60,
  };
}
const notAttestedKey = fail('the attestation PoP is not signed by the attested key', 'ABCA §5.2');
const POP_REFUSALS: Refusals = {
  malformed: notAttestedKey,
  typ: notAttestedKey,
  alg: notAttestedKey,
  invalid: notAttestedKey,
  aud: fail('the attestation PoP is not for this authorization server', 'ABCA §5.2'),
  iat: fail('the attestation PoP iat is outside the accepted window', 'ABCA §5.2'),
};

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
  if (!attestation || !pop)
    throw fail('OAuth-Client-Attestation and OAuth-Client-Attestation-PoP go together', 'ABCA §5')();
  let issuer: unknown;
  try {
    issuer = decodeJwt(attestation).iss;
  } catch (cause) {
    throw ATTESTATION_REFUSALS.malformed(cause);
  }
  if (typeof issuer !== 'string') throw fail('the wallet attestation has no iss', 'ABCA §5.1')();
  const { payload: claims } = await verifyJwt(attestation, ATTESTATION, {
    keys: await options.trustedAttesters(issuer),
    now: options.now,
    keyImports: options.keyImports,
    refuse: { ...ATTESTATION_REFUSALS, exp: fail('the wallet attestation has expired or has no exp', 'ABCA §5.1') },
  });
  const sub = claims.sub;
  if (typeof sub !== 'string' || (options.clientId !== undefined && sub !== options.clientId))
    throw fail('the wallet attestation sub is not the client_id', 'ABCA §5.1')();
  const cnf = (claims.cnf as { jwk?: JWK } | undefined)?.jwk;
  if (!cnf || typeof cnf !== 'object' || 'd' in cnf)
    throw fail('the wallet attestation has no public cnf.jwk', 'ABCA §5.1')();
  // ABCA §5.2: the PoP is signed by the attested instance key, for us, fresh and single use.
  const profile = popProfile(options.issuer);
  const { payload: proof } = await verifyJwt(pop, profile, {
    keys: [cnf],
    now: options.now,
    keyImports: options.keyImports,
    refuse: POP_REFUSALS,
  });
  if (proof.iss !== undefined && proof.iss !== sub)
    throw fail('the attestation PoP iss differs from the attestation sub', 'ABCA §5.2')();
  if (typeof proof.jti !== 'string' || proof.jti.length === 0 || proof.jti.length > 256)
    throw fail('the attestation PoP needs a jti', 'ABCA §5.2')();
  const jkt = jwkThumbprint(cnf);
  if (
    !(await options.replay.useOnce(
      `attestation-pop:${jkt}:${proof.jti}`,
      acceptedUntil(proof.iat as number, profile),
      options.now,
    ))
  )
    throw fail('the attestation PoP was already used', 'ABCA §12.1 (replay)')();
  return { clientId: sub, jkt };
}
