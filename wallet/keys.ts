import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';

/** One of the wallet's ES256 keys: DPoP, holder binding, or a wallet-instance key. */
export interface WalletKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
}

export async function generateWalletKey(): Promise<WalletKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** A compact ES256 signature over `data`, as the @sd-jwt libraries expect from a signer. */
export async function signRaw(key: WalletKey, data: string): Promise<string> {
  const signature = await crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key.privateKey,
    new TextEncoder().encode(data),
  );
  return Buffer.from(signature).toString('base64url');
}

/** RFC 9449 §4.2: a DPoP proof for one request (`ath` when an access token is sent). */
export async function dpopProof(
  key: WalletKey,
  request: { method: string; url: string; accessToken?: string; now: number; jti?: string },
): Promise<string> {
  const claims: JWTPayload = {
    htm: request.method,
    htu: request.url,
    jti: request.jti ?? randomUUID(),
    iat: Math.floor(request.now / 1000),
  };
  if (request.accessToken) claims.ath = createHash('sha256').update(request.accessToken).digest('base64url');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
    .sign(key.privateKey);
}

/** OpenID4VCI App. F.1: a key proof for the credential request, with a `key_attestation` header when given. */
export async function keyProof(
  key: WalletKey,
  proof: { audience: string; nonce: string; now: number; clientId?: string; keyAttestation?: string },
): Promise<string> {
  return new SignJWT({
    aud: proof.audience,
    nonce: proof.nonce,
    iat: Math.floor(proof.now / 1000),
    ...(proof.clientId && { iss: proof.clientId }),
  })
    .setProtectedHeader({
      alg: 'ES256',
      typ: 'openid4vci-proof+jwt',
      jwk: key.publicJwk,
      ...(proof.keyAttestation && { key_attestation: proof.keyAttestation }),
    })
    .sign(key.privateKey);
}

/** A wallet provider's attestation of a wallet instance key (ABCA §5.1), for tests and the demo. */
export async function walletAttestation(
  provider: WalletKey & { issuer: string },
  instance: WalletKey,
  clientId: string,
  now: number,
): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ iss: provider.issuer, sub: clientId, iat, exp: iat + 3600, cnf: { jwk: instance.publicJwk } })
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-client-attestation+jwt' })
    .sign(provider.privateKey);
}

/** The wallet instance's proof of possession for one request to `audience` (ABCA §5.2). */
export async function attestationPop(
  instance: WalletKey,
  audience: string,
  now: number,
  jti: string = randomUUID(),
): Promise<string> {
  return new SignJWT({ aud: audience, jti, iat: Math.floor(now / 1000) })
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-client-attestation-pop+jwt' })
    .sign(instance.privateKey);
}
