import { importJWK, type JWK } from 'jose';
import { LruCache } from '../../engine/cache.js';

const imported = new LruCache<CryptoKey>(4096);
/** JWK members that only a private (or symmetric) key has. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/**
 * `importJWK` for public keys seen again and again (a wallet's DPoP key signs several
 * requests, a PID issuer's key signs every PID), remembered by value. A JWK with private
 * members is refused, so only public keys are ever cached.
 */
export async function importPublicJwk(jwk: JWK, alg: string): Promise<CryptoKey> {
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) throw new TypeError('a public JWK is required');
  const id = `${alg}|${jwk.kty}|${jwk.crv}|${jwk.x}|${jwk.y}|${jwk.n}|${jwk.e}`;
  const cached = imported.get(id);
  if (cached) return cached;
  const key = (await importJWK(jwk, alg)) as CryptoKey;
  imported.set(id, key);
  return key;
}
