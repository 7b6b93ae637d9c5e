/**
 * Single-use values (DPoP `jti`, attestation PoP `jti`, c_nonce): `useOnce` records a key
 * until `expiresAt` and answers true only for its first use. Atomic, so of two concurrent
 * uses exactly one wins.
 */
export interface ReplayCache {
  useOnce(key: string, expiresAt: number, now: number): Promise<boolean>;
  close(): Promise<void>;
}
