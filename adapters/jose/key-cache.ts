import { importJWK, type JWK } from 'jose';
import { LruCache } from '../../engine/cache.js';

const imported = new LruCache<CryptoKey>(4096);

/** `importJWK` for public keys seen again and again (a wallet's DPoP key signs several requests), remembered by value. */
export async function importPublicJwk(jwk: JWK, alg: string): Promise<CryptoKey> {
  const id = `${alg}|${jwk.kty}|${jwk.crv}|${jwk.x}|${jwk.y}|${jwk.n}|${jwk.e}`;
  const cached = imported.get(id);
  if (cached) return cached;
  const key = (await importJWK(jwk, alg)) as CryptoKey;
  imported.set(id, key);
  return key;
}
