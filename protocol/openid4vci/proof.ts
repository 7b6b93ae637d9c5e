import type { JWK, ProtectedHeaderParameters } from 'jose';
import { KEY_PROOF_ALGORITHMS } from '../capabilities.js';
import { jwkThumbprint } from '../jose/thumbprint.js';
import { verifyJwt, type JwtProfile, type Refusals } from '../jose/verify-jwt.js';
import { withCause } from '../jose/with-cause.js';
import { InvalidProof } from '../../engine/index.js';
import type { PublicKeyImports } from '../jose/key-cache.js';

export interface VerifiedProof {
  jwk: JWK;
  jkt: string;
  nonce: string;
  /** App. F.1: the `key_attestation` header, when the proof carries one (verified by `key-proofs.ts`). */
  keyAttestation?: string;
}

/** An `invalid_proof` refusal for a `Refusals` table (its cause kept): key proofs and key attestations alike. */
export const proofRefusal = (description: string, rule: string) => (cause?: unknown) =>
  withCause(new InvalidProof(description, rule), cause);
const fail = proofRefusal;

const invalid = fail('proof signature or audience is not valid', 'OpenID4VCI App. F.4');
const REFUSE: Refusals = {
  malformed: fail('proof is not a JWS', 'OpenID4VCI App. F.4'),
  // App. F.1: typ openid4vci-proof+jwt; an asymmetric, supported alg; the key as a public jwk.
  typ: fail('proof typ must be openid4vci-proof+jwt', 'OpenID4VCI App. F.1'),
  alg: fail('proof alg is not supported', 'OpenID4VCI App. F.4'),
  jwk: fail('proof jwk must be a public key', 'OpenID4VCI App. F.4'),
  key: invalid,
  aud: invalid,
  // App. F.4 and §13.8: iat within the accepted window.
  iat: fail('proof iat is missing or outside the accepted window', 'OpenID4VCI §13.8'),
  invalid,
};

/** App. F.4, §13.8: the iat at most 5 minutes old and at most 60 s ahead. */
const PROFILE: JwtProfile = {
  typ: 'openid4vci-proof+jwt',
  algorithms: KEY_PROOF_ALGORITHMS,
  maxTokenAge: 240,
  clockTolerance: 60,
};

/** App. F.1: exactly one key, as `jwk` (no `kid`, no `x5c`). */
function oneJwk(header: ProtectedHeaderParameters): void {
  if (!header.jwk || header.kid !== undefined || header.x5c !== undefined)
    throw fail('proof must carry exactly one key, as jwk', 'OpenID4VCI App. F.1')();
}

/**
 * A key proof of type `jwt` (OpenID4VCI 1.0 App. F.1, checks of App. F.4): the holder
 * key the new credential is bound to, and the c_nonce it was made for. The caller
 * checks the nonce itself (single use).
 */
export async function verifyProofJwt(
  jwt: string,
  options: {
    audience: string;
    /** Whether `iss` names the client of this authorization (the session keeps only its pseudonym). */
    isClientId: (iss: string) => boolean;
    now: number;
    keyImports: PublicKeyImports;
  },
): Promise<VerifiedProof> {
  const {
    header,
    payload,
    key: jwk,
  } = await verifyJwt(
    jwt,
    { ...PROFILE, audience: options.audience },
    {
      keys: 'embedded',
      now: options.now,
      keyImports: options.keyImports,
      refuse: REFUSE,
      inspect: { header: oneJwk },
    },
  );
  // App. F.1: `iss`, when present, is the client_id of the client making the request.
  if (payload.iss !== undefined && (typeof payload.iss !== 'string' || !options.isClientId(payload.iss)))
    throw fail('proof iss is not the client_id of this authorization', 'OpenID4VCI App. F.1')();
  if (typeof payload.nonce !== 'string' || payload.nonce.length === 0)
    throw fail('proof carries no c_nonce', 'OpenID4VCI §8.3.1.2')();
  const keyAttestation = header.key_attestation;
  if (keyAttestation !== undefined && typeof keyAttestation !== 'string')
    throw fail('proof key_attestation must be a JWT', 'OpenID4VCI App. F.1')();
  return { jwk, jkt: jwkThumbprint(jwk), nonce: payload.nonce, ...(keyAttestation && { keyAttestation }) };
}

/** The key proofs of one credential request (OpenID4VCI §8.2), each verified, all made for one c_nonce. */
export async function verifyProofJwts(
  jwts: readonly string[],
  options: Parameters<typeof verifyProofJwt>[1],
): Promise<{ proofs: VerifiedProof[]; nonce: string }> {
  const proofs = await Promise.all(jwts.map((jwt) => verifyProofJwt(jwt, options)));
  const nonce = proofs[0]!.nonce;
  if (proofs.some((proof) => proof.nonce !== nonce))
    throw fail('every proof must carry the same c_nonce', 'OpenID4VCI §8.2')();
  return { proofs, nonce };
}
