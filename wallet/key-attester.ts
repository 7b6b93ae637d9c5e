import { SignJWT, type JWK } from 'jose';
import { generateWalletKey, type WalletKey } from './keys.js';

/** A wallet provider (or key storage component) that attests wallet keys (OpenID4VCI 1.0 App. D), for tests and the demo. */
export interface KeyAttester extends WalletKey {
  issuer: string;
}

/** What one key attestation asserts beside its keys (App. D.1, D.2). */
export interface KeyAttestationClaims {
  now: number;
  /** App. D.1: the c_nonce it was made for (required for the `attestation` proof type, App. F.3). */
  nonce?: string;
  /** App. D.2 levels, e.g. `['iso_18045_high']`. */
  keyStorage?: string[];
  userAuthentication?: string[];
  /** Seconds until its `exp` (App. D.1: required with the `jwt` proof type); 1 hour unless said, `null` for none. */
  lifetimeSeconds?: number | null;
}

export async function generateKeyAttester(issuer: string): Promise<KeyAttester> {
  return { ...(await generateWalletKey()), issuer };
}

/** The attester as an issuer's configuration lists it (`keyAttestation.trustedAttesters`). */
export function trustedKeyAttester(attester: KeyAttester): {
  issuer: string;
  jwks: { keys: Record<string, unknown>[] };
} {
  return { issuer: attester.issuer, jwks: { keys: [attester.publicJwk as Record<string, unknown>] } };
}

/** OpenID4VCI 1.0 App. D.1: a `key-attestation+jwt` over `keys` (their public halves), signed by the attester. */
export async function keyAttestation(
  attester: KeyAttester,
  keys: readonly (WalletKey | JWK)[],
  claims: KeyAttestationClaims,
): Promise<string> {
  const iat = Math.floor(claims.now / 1000);
  const lifetime = claims.lifetimeSeconds === undefined ? 3600 : claims.lifetimeSeconds;
  return new SignJWT({
    iss: attester.issuer,
    iat,
    ...(lifetime !== null && { exp: iat + lifetime }),
    attested_keys: keys.map((key) => ('publicJwk' in key ? key.publicJwk : key)),
    ...(claims.keyStorage && { key_storage: claims.keyStorage }),
    ...(claims.userAuthentication && { user_authentication: claims.userAuthentication }),
    ...(claims.nonce !== undefined && { nonce: claims.nonce }),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'key-attestation+jwt' })
    .sign(attester.privateKey);
}
