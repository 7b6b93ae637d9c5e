import type { JWK } from 'jose';

/**
 * A JWS signer (crypto by callback): `sign` answers the JWS signature over the signing input
 * (for ES256 the raw r‖s, RFC 7518 §3.4). The private key never leaves the implementation.
 */
export interface JwsSigner {
  kid: string;
  alg: 'ES256';
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

/** A signer with its X.509 certificate chain (base64 DER, leaf first; RFC 7515 §4.1.6 `x5c`). */
export interface CertifiedSigner extends JwsSigner {
  x5c: string[];
}

/** The algorithms a response JWE may use (the protocol decides them, the keys only apply them). */
export interface DecryptionAlgorithms {
  keyManagementAlgorithms: string[];
  contentEncryptionAlgorithms: string[];
}

/**
 * The issuer's keys as the protocol uses them: signing, certificate, published keys, response
 * decryption and derived secrets. The key file (`KeyRing`) is one implementation; a KMS or an
 * HSM is another. Every instance of one deployment must answer the same for the same input.
 */
export interface IssuerKeys {
  /** Signs the credentials (SD-JWT VC); its public key is in `jwks()`. */
  credentialSigner(): JwsSigner;
  /** Signs the request objects (OpenID4VP §5); the leaf certificate names the issuer's host. */
  verifierSigner(): CertifiedSigner;
  /** The credential signers' public keys (SD-JWT VC issuer metadata), current last. */
  jwks(): { keys: JWK[] };
  /** base64url SHA-256 of the verifier's leaf certificate DER (the `x509_hash:` client identifier, OpenID4VP §5.9.3). */
  x509Hash(): string;
  /** The per-request public key a wallet encrypts its response to (OpenID4VP §8.3; HAIP §5). */
  responseEncryptionJwk(requestId: string): JWK;
  /** The plaintext of a compact JWE encrypted to `responseEncryptionJwk(requestId)`; throws if it cannot be decrypted. */
  decryptResponse(jwe: string, requestId: string, algorithms: DecryptionAlgorithms): Promise<Uint8Array>;
  /** 32 bytes for `label`, the same on every instance of the deployment (c_nonce, issuer_state, state at rest). */
  derivedSecret(label: string): Uint8Array;
}
