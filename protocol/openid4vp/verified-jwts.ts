import type { JWK, JWTPayload } from 'jose';
import { LruCache } from '../../engine/index.js';
import { jwkThumbprint } from '../jose/thumbprint.js';

interface Verified {
  payload: JWTPayload;
  keyThumbprint: string;
}

/** Still valid at `now` by its own time claims (RFC 7519 §4.1.4, §4.1.5), as jose's `jwtVerify` checks them. */
function inTime(payload: JWTPayload, now: number): boolean {
  const seconds = Math.floor(now / 1000);
  return (
    !(typeof payload.exp === 'number' && payload.exp <= seconds) &&
    !(typeof payload.nbf === 'number' && payload.nbf > seconds)
  );
}

/**
 * Issuer-signed JWTs whose signature a trusted key has verified, so a wallet that presents
 * the same PID in flow after flow costs one verification, not one per flow. An entry is
 * keyed by the JWT's SHA-256 and remembers the key that verified it; it counts only while
 * that key is still among the issuer's trusted keys (E-40: an issuer removed from trust
 * stops acceptance at once) and the JWT's time claims still hold. Payloads are copied in
 * and out, so no caller can change a remembered one.
 */
export class VerifiedJwts {
  private readonly verified: LruCache<Verified>;

  constructor(capacity = 4096) {
    this.verified = new LruCache(capacity);
  }

  lookup(jwtDigest: string, trustedKeys: JWK[], now: number): JWTPayload | undefined {
    const entry = this.verified.get(jwtDigest);
    if (!entry || !inTime(entry.payload, now)) return undefined;
    const stillTrusted = trustedKeys.some((key) => {
      try {
        return jwkThumbprint(key) === entry.keyThumbprint;
      } catch {
        return false;
      }
    });
    return stillTrusted ? structuredClone(entry.payload) : undefined;
  }

  remember(jwtDigest: string, key: JWK, payload: JWTPayload): void {
    this.verified.set(jwtDigest, { payload: structuredClone(payload), keyThumbprint: jwkThumbprint(key) });
  }
}
