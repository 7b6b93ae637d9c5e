import { CompactEncrypt, importJWK, type CompactJWEHeaderParameters, type JWK } from 'jose';
import { z } from 'zod';
import { InvalidEncryptionParameters } from '../../engine/index.js';
import { CREDENTIAL_ENCRYPTION } from '../capabilities.js';
import { PRIVATE_JWK_MEMBERS } from '../jose/key-cache.js';
import { jwtResponse, type ProtocolResponse } from '../messages.js';

/** §8.2 `credential_response_encryption`: the wallet's public key, the `enc`, optionally `zip`. */
const Parameters = z.object({
  jwk: z.record(z.string(), z.unknown()),
  enc: z.string().min(1).max(64),
  zip: z.string().min(1).max(64).optional(),
});

/** Where and how a credential response is encrypted: the wallet's key and the JWE header. */
export interface ResponseEncryption {
  key: CryptoKey | Uint8Array;
  header: CompactJWEHeaderParameters;
}

const refuse = (description: string, rule = 'OpenID4VCI §8.2') => new InvalidEncryptionParameters(description, rule);

/** §8.2, §10: a single public key whose `alg` is the JWE alg, one this issuer supports. */
async function importWalletKey(jwk: Record<string, unknown>): Promise<{ key: CryptoKey | Uint8Array; alg: string }> {
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk))
    throw refuse('credential_response_encryption jwk must be a public key');
  const { alg } = jwk;
  if (typeof alg !== 'string') throw refuse('credential_response_encryption jwk has no alg', 'OpenID4VCI §10');
  if (!CREDENTIAL_ENCRYPTION.algorithms.includes(alg))
    throw refuse(`credential_response_encryption alg ${alg} is not supported`, 'OpenID4VCI §12.2.4');
  try {
    return { key: await importJWK(jwk as JWK, alg), alg };
  } catch {
    throw refuse('credential_response_encryption jwk is not a usable key');
  }
}

/**
 * The encryption a credential request asks for (OpenID4VCI 1.0 §8.2; seed P-10), checked before any proof is
 * verified: undefined for a plain response. Every refusal is `invalid_encryption_parameters` (§8.3.1.2).
 */
export async function responseEncryptionOf(
  parameters: unknown,
  request: { encrypted: boolean; required: boolean },
): Promise<ResponseEncryption | undefined> {
  if (parameters === undefined) {
    if (request.required) throw refuse('an encrypted credential response is required', 'OpenID4VCI §8.2, §12.2.4');
    return undefined;
  }
  // §8.2: "Credential Request encryption MUST be used if the credential_response_encryption parameter is included".
  if (!request.encrypted) throw refuse('credential_response_encryption must come in an encrypted credential request');
  const parsed = Parameters.safeParse(parameters);
  if (!parsed.success) throw refuse('credential_response_encryption must have a jwk object and an enc');
  const { jwk, enc, zip } = parsed.data;
  // §12.2.4: no zip_values_supported is advertised, so compression is not supported.
  if (zip !== undefined) throw refuse('credential_response_encryption zip is not supported', 'OpenID4VCI §12.2.4');
  if (!CREDENTIAL_ENCRYPTION.encodings.includes(enc))
    throw refuse(`credential_response_encryption enc ${enc} is not supported`, 'OpenID4VCI §12.2.4');
  const { key, alg } = await importWalletKey(jwk);
  // §10: the key's kid, when it has one, is the JWE's kid.
  return { key, header: { alg, enc, ...(typeof jwk.kid === 'string' && { kid: jwk.kid }) } };
}

/** §8.3, §10: the credential response as an encrypted JWT, a compact JWE of its JSON claims set. */
export async function encryptedResponse(encryption: ResponseEncryption, payload: object): Promise<ProtocolResponse> {
  const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(encryption.header)
    .encrypt(encryption.key);
  return jwtResponse(200, jwe);
}
