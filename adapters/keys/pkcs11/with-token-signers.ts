import { X509Certificate, createHash } from 'node:crypto';
import type { JWK } from 'jose';
import type { CertifiedSigner, IssuerKeys } from '../ports.js';
import type { TokenSigner } from './token-signer.js';

/** What the token takes over from the key file. */
export interface TokenSigners {
  /** Signs the credentials; `jwks()` publishes its public key as the current one. */
  credential?: TokenSigner;
  /**
   * Public keys still to publish before the token key (oldest first): the keys that signed the
   * credentials already in wallets (the key file's `jwks().keys` when moving to the token, earlier
   * token keys after a rotation on it). None by default: a key file key stays trusted only if listed.
   */
  previousCredentialKeys?: readonly JWK[];
  /** Signs the request objects, with its certificate chain (`certifiedTokenSigner`). */
  verifier?: CertifiedSigner;
}

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'] as const;

function publishable(jwk: JWK): JWK {
  if ('d' in jwk)
    throw new Error(`previous credential key ${jwk.kid ?? ''} has a private member: list public keys only`);
  if (!jwk.kid) throw new Error('a previous credential key has no kid: credentials name their key by kid');
  return Object.fromEntries(PUBLIC_MEMBERS.filter((name) => jwk[name] !== undefined).map((name) => [name, jwk[name]]));
}

function leafPublicKey(signer: CertifiedSigner): JsonWebKey {
  return new X509Certificate(Buffer.from(signer.x5c[0]!, 'base64')).publicKey.export({ format: 'jwk' });
}

/**
 * The keys `keys` answers, with the credential and/or the verifier signing moved to a token (HSM,
 * KMS): response decryption and derived secrets (c_nonce, issuer_state, state at rest) stay with
 * `keys`, whose secrets every instance must share and which no PKCS#11 signing key can derive.
 */
export function withTokenSigners(keys: IssuerKeys, signers: TokenSigners): IssuerKeys {
  const { credential, verifier } = signers;
  if (signers.previousCredentialKeys && !credential)
    throw new Error('previousCredentialKeys needs a credential signer: the key file publishes its own keys');
  if (credential && verifier) {
    const leaf = leafPublicKey(verifier);
    // Key separation, as the key file keeps it: the request-object key signs no credential.
    if (verifier.kid === credential.kid || (leaf.x === credential.publicJwk.x && leaf.y === credential.publicJwk.y))
      throw new Error('one key must not sign both credentials and request objects');
  }
  const published = credential && {
    keys: [
      ...(signers.previousCredentialKeys ?? []).map(publishable).filter((jwk) => jwk.kid !== credential.kid),
      credential.publicJwk,
    ],
  };
  const x509Hash = verifier && createHash('sha256').update(Buffer.from(verifier.x5c[0]!, 'base64')).digest('base64url');
  return {
    credentialSigner: () => credential ?? keys.credentialSigner(),
    verifierSigner: () => verifier ?? keys.verifierSigner(),
    jwks: () => (published ? { keys: published.keys.map((jwk) => ({ ...jwk })) } : keys.jwks()),
    x509Hash: () => x509Hash ?? keys.x509Hash(),
    responseEncryptionJwk: (requestId) => keys.responseEncryptionJwk(requestId),
    decryptResponse: (jwe, requestId, algorithms) => keys.decryptResponse(jwe, requestId, algorithms),
    derivedSecret: (label) => keys.derivedSecret(label),
  };
}
