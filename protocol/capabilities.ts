/**
 * The JOSE algorithms of this server, per use: what each verifier accepts and, for what the server
 * signs or decrypts, what it uses. The verifiers, the metadata and the DPoP challenge read them
 * here only, so what is advertised is what is accepted.
 */

/** RFC 9449 §5.1 `dpop_signing_alg_values_supported`, §7.1 the challenge's `algs`. */
export const DPOP_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'EdDSA', 'PS256'];

/** ABCA: the wallet attestation and its PoP (`client_attestation_signing_alg_values_supported`, `…_pop_…`). */
export const CLIENT_ATTESTATION_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'EdDSA'];

/**
 * OpenID4VCI §12.2.4 `proof_signing_alg_values_supported`: key proofs of type jwt, and key attestations (App. F.1:
 * a `key_attestation` header's alg is in the jwt proof type's list; App. F.3: the `attestation` proof type's).
 */
export const KEY_PROOF_ALGORITHMS: readonly string[] = ['ES256'];

/** OpenID4VCI §12.2.4 `credential_signing_alg_values_supported`: the issuer's SD-JWT VC signatures (sd-jwt-vc.ts signs ES256 only). */
export const CREDENTIAL_SIGNING_ALGORITHM = 'ES256';

/** OpenID4VP App. B.3.4 `vp_formats_supported` of `dc+sd-jwt`: the presented credential's issuer signature and its KB-JWT. */
export const SD_JWT_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'EdDSA'];
export const KB_JWT_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'EdDSA'];

/** OpenID4VP §5: the request object's signature (the key ring's verifier key is P-256). */
export const REQUEST_OBJECT_SIGNING_ALGORITHM = 'ES256';

/** OpenID4VP §8.3, HAIP §5.1: the direct_post.jwt response, ECDH-ES to a per-request key, either AES-GCM encoding. */
export const RESPONSE_ENCRYPTION = {
  algorithms: ['ECDH-ES'] as readonly string[],
  encodings: ['A128GCM', 'A256GCM'] as readonly string[],
};

/** OpenID4VCI 1.0 §10, §12.2.4: credential requests and responses, the same choices (ECDH-ES, either AES-GCM encoding), no compression. */
export const CREDENTIAL_ENCRYPTION = RESPONSE_ENCRYPTION;
