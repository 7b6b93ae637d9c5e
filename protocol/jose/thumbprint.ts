import { createHash } from 'node:crypto';
import type { JWK } from 'jose';

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const REQUIRED: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
  oct: ['k', 'kty'],
};

/**
 * The RFC 7638 SHA-256 thumbprint (base64url) of a JWK, computed synchronously: the same
 * value as jose's `calculateJwkThumbprint`, without a WebCrypto digest job (a thread-pool
 * round trip) on every request. Throws on an unknown key type or a missing member.
 */
export function jwkThumbprint(jwk: JWK): string {
  const members = jwk.kty === undefined ? undefined : REQUIRED[jwk.kty];
  if (!members) throw new TypeError('unsupported JWK key type');
  const canonical: Record<string, string> = {};
  for (const name of members) {
    const value = (jwk as Record<string, unknown>)[name];
    if (typeof value !== 'string' || value.length === 0) throw new TypeError(`JWK member ${name} is missing`);
    canonical[name] = value;
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}
