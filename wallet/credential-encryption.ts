import { CompactEncrypt, compactDecrypt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/** The wallet's side of OpenID4VCI 1.0 §10: what it asks the issuer to encrypt the credential response with. */
export interface ResponseEncryptionRequest {
  /** The JWE `enc` asked for (§8.2); A128GCM unless said. */
  enc?: string;
  /** A `zip` to ask for (§8.2): the issuer supports none, so this is a deviation. */
  zip?: string;
  /** Deviations: send this jwk instead of the wallet's fresh public key; send the request unencrypted (§8.2 forbids it). */
  jwk?: JWK;
  plainRequest?: boolean;
}

/** A fresh ECDH-ES key pair for one response (§8.2 `credential_response_encryption.jwk`, §10: with `alg` and `kid`). */
async function responseEncryptionKey(): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), alg: 'ECDH-ES', kid: 'wallet-response-1' } };
}

/** §10: the credential request as an encrypted JWT to the issuer's `credential_request_encryption` key. */
async function encryptCredentialRequest(
  body: object,
  metadata: { jwks: { keys: JWK[] }; enc_values_supported: string[] },
): Promise<string> {
  const jwk = metadata.jwks.keys[0]!;
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(body)))
    .setProtectedHeader({ alg: String(jwk.alg), enc: metadata.enc_values_supported[0]!, kid: String(jwk.kid) })
    .encrypt(await importJWK(jwk, String(jwk.alg)));
}

/** What a wallet's call answers: the parsed body (`raw` when not JSON) and the headers. */
interface Exchanged {
  body: Record<string, unknown>;
  headers: { get(name: string): string | null };
}

/**
 * §8.2, §10: the credential request `body` asking for an encrypted response to a fresh key, sent by `post` encrypted
 * to the issuer's key (from its metadata) unless `plainRequest`; an `application/jwt` answer is decrypted (§8.3), its
 * JSON the answer's body. Error responses are never encrypted (§8.3.1.2) and come back as sent.
 */
export async function encryptedExchange<A extends Exchanged>(
  body: object,
  request: ResponseEncryptionRequest,
  issuerMetadata: Record<string, unknown>,
  post: (payload: string, contentType: string) => Promise<A>,
): Promise<A> {
  const responseKey = await responseEncryptionKey();
  const { enc = 'A128GCM', zip, jwk, plainRequest } = request;
  const encrypted = {
    ...body,
    credential_response_encryption: { jwk: jwk ?? responseKey.publicJwk, enc, ...(zip && { zip }) },
  };
  const metadata = issuerMetadata.credential_request_encryption as Parameters<typeof encryptCredentialRequest>[1];
  const answer = plainRequest
    ? await post(JSON.stringify(encrypted), 'application/json')
    : await post(await encryptCredentialRequest(encrypted, metadata), 'application/jwt');
  if (!answer.headers.get('content-type')?.startsWith('application/jwt')) return answer;
  const { plaintext } = await compactDecrypt(String(answer.body.raw), responseKey.privateKey);
  return { ...answer, body: JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown> };
}
