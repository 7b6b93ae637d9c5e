import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, type JWK, type JWTPayload } from 'jose';
import type { WalletKey } from '../../wallet/keys.js';

/** SD-JWTs built by hand, to present what an honest issuer never would (SD-JWT §4, §7.1 attacks). */
export const disclosure = (name: string, value: unknown) =>
  Buffer.from(JSON.stringify([randomBytes(12).toString('base64url'), name, value])).toString('base64url');
export const elementDisclosure = (value: unknown) =>
  Buffer.from(JSON.stringify([randomBytes(12).toString('base64url'), value])).toString('base64url');
export const digestOf = (encoded: string) => createHash('sha256').update(encoded, 'ascii').digest('base64url');

export interface CraftOptions {
  issuer: string;
  signingKey: { privateKey: CryptoKey; kid?: string; x5c?: string[] };
  holderJwk: JWK;
  now: number;
  vct?: string;
  /** Without `exp` when null. */
  lifetimeSeconds?: number | null;
  iat?: number;
}

/** An issuer-signed SD-JWT VC with exactly `payload`'s claims (digests and all). */
export function craftCredential(payload: JWTPayload, options: CraftOptions): Promise<string> {
  const iat = options.iat ?? Math.floor(options.now / 1000);
  const lifetime = options.lifetimeSeconds === undefined ? 3600 : options.lifetimeSeconds;
  return new SignJWT({
    ...payload,
    iss: options.issuer,
    vct: options.vct ?? 'urn:eudi:pid:1',
    iat,
    ...(lifetime !== null && { exp: iat + lifetime }),
    cnf: { jwk: options.holderJwk },
    _sd_alg: 'sha-256',
  })
    .setProtectedHeader({
      alg: 'ES256',
      typ: 'dc+sd-jwt',
      ...(options.signingKey.kid && { kid: options.signingKey.kid }),
      ...(options.signingKey.x5c && { x5c: options.signingKey.x5c }),
    })
    .sign(options.signingKey.privateKey);
}

/** `credential~d1~…~` with a key-binding JWT over it; `segments` are put between the tildes as given (empty ones too). */
export async function craftPresentation(
  credential: string,
  segments: string[],
  holder: WalletKey,
  binding: { nonce: string; audience: string; now: number },
): Promise<string> {
  const presented = `${[credential, ...segments].join('~')}~`;
  const kb = await new SignJWT({
    nonce: binding.nonce,
    aud: binding.audience,
    iat: Math.floor(binding.now / 1000),
    sd_hash: digestOf(presented),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'kb+jwt' })
    .sign(holder.privateKey);
  return presented + kb;
}
