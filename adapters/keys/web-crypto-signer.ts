import type { JwsSigner } from './ports.js';

/** An ES256 signer over a WebCrypto private key: ECDSA P-256 with SHA-256 answers the raw r‖s that JWS expects. */
export function webCryptoSigner(kid: string, privateKey: CryptoKey): JwsSigner {
  return {
    kid,
    alg: 'ES256',
    sign: async (input) =>
      new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, input as BufferSource)),
  };
}
