import type { JWK } from 'jose';
import type { KeyAttestationPolicy } from '../../config/schema.js';
import { InvalidProof } from '../../engine/index.js';
import type { PublicKeyImports } from '../jose/key-cache.js';
import type { CredentialRequest } from './credential-request.js';
import { verifyKeyAttestation, type AttestedKey } from './key-attestation.js';
import { verifyProofJwts, type VerifiedProof } from './proof.js';

export interface KeyProofOptions {
  /** The credential issuer identifier the proofs name (App. F.1 `aud`). */
  audience: string;
  isClientId: (iss: string) => boolean;
  /** The requested configuration's key attestation policy (seed I-50); undefined: none required. */
  policy: KeyAttestationPolicy | undefined;
  trustedKeyAttesters: (issuer: string) => Promise<JWK[]>;
  now: number;
  keyImports: PublicKeyImports;
}

/** The keys the new credentials are bound to, one credential each, and the c_nonce they were proven for. */
export interface HolderKeys {
  keys: AttestedKey[];
  nonce: string;
}

const fail = (description: string, rule: string) => new InvalidProof(description, rule);

/** §8.3, W-70/CF-40: each key is bound to at most one credential, so a batch's credentials share no key. */
function distinct(keys: AttestedKey[], nonce: string): HolderKeys {
  if (new Set(keys.map((key) => key.jkt)).size !== keys.length)
    throw fail('the same key is proven twice: each credential of a batch needs its own key', 'OpenID4VCI §8.3; W-70');
  return { keys, nonce };
}

/**
 * App. F.1 with a required key attestation (seed I-50): the `key_attestation` header attests the proof's key, and
 * names the proof's c_nonce when it names one.
 */
async function checkAttested(proof: VerifiedProof, options: KeyProofOptions): Promise<void> {
  if (!proof.keyAttestation)
    throw fail('proof key is not attested: a key attestation is required', 'seed I-50; OpenID4VCI App. D');
  const attestation = await verifyKeyAttestation(proof.keyAttestation, { ...options, carrier: 'jwt' });
  if (!attestation.attestedKeys.some((key) => key.jkt === proof.jkt))
    throw fail('proof jwk is not one of the attested_keys of its key_attestation', 'OpenID4VCI App. D.1, F.1');
  if (attestation.nonce !== undefined && attestation.nonce !== proof.nonce)
    throw fail('key attestation nonce is not the c_nonce of the proof', 'OpenID4VCI App. F.1');
}

/**
 * The key proofs of one credential request (OpenID4VCI 1.0 §8.2, App. F): `jwt` proofs, each proving possession of
 * its key (with its `key_attestation` verified when the configuration requires attested keys), or one `attestation`
 * proof (App. F.3), a key attestation whose every attested key gets a credential and whose `nonce` is the c_nonce.
 */
export async function verifyKeyProofs(
  proofs: CredentialRequest['proofs'],
  options: KeyProofOptions,
): Promise<HolderKeys> {
  if ('jwt' in proofs) {
    const verified = await verifyProofJwts(proofs.jwt, options);
    // A key attestation sent where none is required is not evaluated.
    if (options.policy?.required) await Promise.all(verified.proofs.map((proof) => checkAttested(proof, options)));
    return distinct(
      verified.proofs.map(({ jwk, jkt }) => ({ jwk, jkt })),
      verified.nonce,
    );
  }
  const [jwt] = proofs.attestation;
  const { attestedKeys, nonce } = await verifyKeyAttestation(jwt, { ...options, carrier: 'attestation' });
  if (nonce === undefined) throw fail('key attestation carries no c_nonce', 'OpenID4VCI App. F.3');
  return distinct(attestedKeys, nonce);
}
