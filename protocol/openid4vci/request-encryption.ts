import { decodeProtectedHeader, type JWK } from 'jose';
import type { IssuerKeys } from '../../adapters/keys/ports.js';
import { InvalidCredentialRequest, InvalidEncryptionParameters } from '../../engine/index.js';
import { CREDENTIAL_ENCRYPTION } from '../capabilities.js';
import { mediaType, type ProtocolRequest } from '../messages.js';
import { readCredentialRequestJson } from './credential-request.js';

/**
 * The keys port's label of the issuer's credential request key: derived from the master secret like the OpenID4VP
 * response keys, so every instance decrypts, and apart from them (no request id contains `:`).
 */
const REQUEST_KEY_LABEL = 'openid4vci:credential_request';

/** OpenID4VCI 1.0 §12.2.4 `credential_request_encryption.jwks`: the key a wallet encrypts its credential request to (with `kid`, `alg`). */
export function credentialRequestEncryptionJwk(keys: Pick<IssuerKeys, 'responseEncryptionJwk'>): JWK {
  return keys.responseEncryptionJwk(REQUEST_KEY_LABEL);
}

const refuse = (description: string) => new InvalidEncryptionParameters(description, 'OpenID4VCI §10');

/** §10: a compact JWE to the issuer's request key, ECDH-ES, A128GCM or A256GCM, uncompressed (no `zip_values_supported`). */
async function decrypt(jwe: string, keys: IssuerKeys): Promise<unknown> {
  let zip: unknown;
  try {
    ({ zip } = decodeProtectedHeader(jwe));
  } catch {
    throw refuse('the encrypted credential request is not a JWE');
  }
  if (zip !== undefined) throw refuse('a compressed (zip) credential request is not accepted');
  let plaintext: Uint8Array;
  try {
    plaintext = await keys.decryptResponse(jwe, REQUEST_KEY_LABEL, {
      keyManagementAlgorithms: [...CREDENTIAL_ENCRYPTION.algorithms],
      contentEncryptionAlgorithms: [...CREDENTIAL_ENCRYPTION.encodings],
    });
  } catch {
    throw refuse('the credential request cannot be decrypted with the credential_request_encryption key');
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    throw new InvalidCredentialRequest('the decrypted credential request is not JSON', 'OpenID4VCI §10');
  }
}

/**
 * The credential request's JSON (OpenID4VCI 1.0 §8.2, §10): decrypted from an `application/jwt` body, or the
 * `application/json` body as sent; an unencrypted one is refused when encryption is required.
 */
export async function readCredentialRequestBody(
  request: ProtocolRequest,
  options: { keys: IssuerKeys; encryptionRequired: boolean },
): Promise<{ json: unknown; encrypted: boolean }> {
  if (mediaType(request) === 'application/jwt')
    return { json: await decrypt(request.body.trim(), options.keys), encrypted: true };
  // §10: "When encryption of a message was required but the received message is unencrypted, it SHOULD be rejected."
  if (options.encryptionRequired)
    throw new InvalidEncryptionParameters('the credential request must be encrypted', 'OpenID4VCI §8.2, §10');
  return { json: readCredentialRequestJson(request), encrypted: false };
}
