import { decodeJwt, type JWK, type JWTPayload } from 'jose';
import type { KeyAttestationPolicy } from '../../config/schema.js';
import { KEY_PROOF_ALGORITHMS } from '../capabilities.js';
import { PRIVATE_JWK_MEMBERS, type PublicKeyImports } from '../jose/key-cache.js';
import { jwkThumbprint } from '../jose/thumbprint.js';
import { verifyJwt, type JwtProfile, type Refusals } from '../jose/verify-jwt.js';
import { proofRefusal } from './proof.js';

/** A key attested by a trusted key attester, with its thumbprint. */
export interface AttestedKey {
  jwk: JWK;
  jkt: string;
}

export interface VerifiedKeyAttestation {
  attestedKeys: AttestedKey[];
  /** App. D.1: the c_nonce the attestation was made for, when it names one. */
  nonce?: string;
}

export interface KeyAttestationOptions {
  /** Public keys of the key attesters we trust (`keyAttestation.trustedAttesters`), by their `iss`. */
  trustedKeyAttesters: (issuer: string) => Promise<JWK[]>;
  /** The levels the credential configuration accepts; undefined: any. */
  policy: KeyAttestationPolicy | undefined;
  /** App. D.1: `exp` MUST be present when the attestation is used with the `jwt` proof type. */
  carrier: 'jwt' | 'attestation';
  now: number;
  keyImports: PublicKeyImports;
}

/** Seconds of clock skew for the attestation's `iat` and `exp`. */
const CLOCK_TOLERANCE = 60;
/** Most keys one attestation may attest: the largest batch (config `policy.batchSize`). */
const MAX_ATTESTED_KEYS = 16;

const fail = proofRefusal;

const untrusted = fail('key attestation is not signed by a trusted key attester', 'seed I-50; OpenID4VCI App. D.1');
const REFUSE: Refusals = {
  malformed: fail('key attestation is not a JWS', 'OpenID4VCI App. D.1'),
  typ: fail('key attestation typ must be key-attestation+jwt', 'OpenID4VCI App. D.1'),
  // App. F.1, F.3: its alg is one of the proof type's proof_signing_alg_values_supported.
  alg: fail('key attestation alg is not supported', 'OpenID4VCI App. F.1, F.3'),
  exp: fail('key attestation has expired or has no exp', 'OpenID4VCI App. D.1'),
  iat: fail('key attestation has no valid iat', 'OpenID4VCI App. D.1'),
  invalid: untrusted,
};

function profileFor(carrier: KeyAttestationOptions['carrier']): JwtProfile {
  return {
    typ: 'key-attestation+jwt',
    algorithms: KEY_PROOF_ALGORITHMS,
    requiredClaims: carrier === 'jwt' ? ['iat', 'exp'] : ['iat'],
    clockTolerance: CLOCK_TOLERANCE,
  };
}

/** App. D.1: `iat` is a number, not in the future. */
function checkIat(payload: JWTPayload, now: number): void {
  if (typeof payload.iat !== 'number' || payload.iat > now / 1000 + CLOCK_TOLERANCE)
    throw fail('key attestation iat is missing or in the future', 'OpenID4VCI App. D.1')();
}

/** App. D.1: `attested_keys`, a non-empty array of public JWKs (and at most a batch of them). */
function attestedKeysOf(payload: JWTPayload): AttestedKey[] {
  const keys = payload.attested_keys;
  const malformed = fail('key attestation attested_keys must be 1 to 16 public JWKs', 'OpenID4VCI App. D.1');
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_ATTESTED_KEYS) throw malformed();
  return keys.map((jwk: unknown) => {
    if (typeof jwk !== 'object' || jwk === null || PRIVATE_JWK_MEMBERS.some((member) => member in jwk))
      throw malformed();
    try {
      return { jwk: jwk as JWK, jkt: jwkThumbprint(jwk as JWK) };
    } catch (cause) {
      throw malformed(cause);
    }
  });
}

/** App. D.2, §12.2.4 `key_attestations_required`: the attestation asserts one of the accepted levels. */
function checkLevel(asserted: unknown, accepted: readonly string[] | undefined, claim: string): void {
  if (!accepted) return;
  if (!Array.isArray(asserted) || !asserted.some((level) => typeof level === 'string' && accepted.includes(level)))
    throw fail(`key attestation ${claim} is not one of ${accepted.join(', ')}`, 'seed I-50; OpenID4VCI App. D.2')();
}

/**
 * A key attestation in JWT format (OpenID4VCI 1.0 App. D.1; seed I-50): typed `key-attestation+jwt`, signed by a
 * key attester we trust (its `iss` names it), not expired, attesting public keys at the levels the credential
 * configuration accepts. The caller checks its `nonce` against the c_nonce (App. F.1, F.3).
 */
export async function verifyKeyAttestation(
  jwt: string,
  options: KeyAttestationOptions,
): Promise<VerifiedKeyAttestation> {
  let issuer: unknown;
  try {
    issuer = decodeJwt(jwt).iss;
  } catch (cause) {
    throw REFUSE.malformed(cause);
  }
  if (typeof issuer !== 'string') throw fail('key attestation has no iss', 'seed I-50')();
  const keys = await options.trustedKeyAttesters(issuer);
  if (keys.length === 0) throw fail('key attestation issuer is not a trusted key attester', 'seed I-50')();
  const { payload } = await verifyJwt(jwt, profileFor(options.carrier), {
    keys,
    now: options.now,
    keyImports: options.keyImports,
    refuse: REFUSE,
    inspect: { claims: (claims) => checkIat(claims, options.now) },
  });
  const attestedKeys = attestedKeysOf(payload);
  checkLevel(payload.key_storage, options.policy?.keyStorage, 'key_storage');
  checkLevel(payload.user_authentication, options.policy?.userAuthentication, 'user_authentication');
  const { nonce } = payload;
  if (nonce !== undefined && (typeof nonce !== 'string' || nonce.length === 0))
    throw fail('key attestation nonce must be a string', 'OpenID4VCI App. D.1')();
  return { attestedKeys, ...(nonce !== undefined && { nonce }) };
}
