import { importJWK, type JWK } from 'jose';
import { LruCache } from '../../engine/index.js';

/** JWK members that only a private (or symmetric) key has. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** RSA public keys accepted: e = 65537 (AQAB) and a modulus of 2048 to 4096 bits (RFC 7518 §3.3, §6.3.1). */
const RSA_EXPONENT = 'AQAB';
const RSA_MODULUS_BITS = { min: 2048, max: 4096 };

/**
 * Issue 10 §4: an attacker-chosen RSA key must not make verification expensive (a 3,070-bit
 * exponent made each replayed DPoP proof cost 7.7 ms), nor weak: only e = 65537 and 2048..4096-bit moduli.
 */
function checkRsaLimits(jwk: JWK): void {
  if (jwk.kty !== 'RSA') return;
  if (jwk.e !== RSA_EXPONENT) throw new TypeError('an RSA public exponent other than 65537 is refused');
  if (typeof jwk.n !== 'string' || !/^[A-Za-z0-9_-]+$/.test(jwk.n) || jwk.n.length > 1024)
    throw new TypeError('the RSA modulus is malformed or too long');
  const modulus = Buffer.from(jwk.n, 'base64url');
  const leadingZeros = modulus.findIndex((byte) => byte !== 0);
  const bits = leadingZeros < 0 ? 0 : (modulus.length - leadingZeros) * 8 - Math.clz32(modulus[leadingZeros]!) + 24;
  if (bits < RSA_MODULUS_BITS.min || bits > RSA_MODULUS_BITS.max)
    throw new TypeError(`an RSA modulus of ${bits} bits is refused`);
}

/**
 * `importJWK` for public keys seen again and again (a wallet's DPoP key signs several
 * requests, a PID issuer's key signs every PID), remembered by value; one per issuer, so two
 * issuers in a process share nothing. A JWK with private members is refused, so only public
 * keys are ever cached, and so is an RSA key outside the limits above, for every key imported
 * here (DPoP, wallet attestations, key proofs, PID issuers).
 */
export class PublicKeyImports {
  private readonly imported: LruCache<CryptoKey>;

  constructor(capacity = 4096) {
    this.imported = new LruCache(capacity);
  }

  async import(jwk: JWK, alg: string): Promise<CryptoKey> {
    if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) throw new TypeError('a public JWK is required');
    checkRsaLimits(jwk);
    const id = `${alg}|${jwk.kty}|${jwk.crv}|${jwk.x}|${jwk.y}|${jwk.n}|${jwk.e}`;
    const cached = this.imported.get(id);
    if (cached) return cached;
    const key = (await importJWK(jwk, alg)) as CryptoKey;
    this.imported.set(id, key);
    return key;
  }
}
