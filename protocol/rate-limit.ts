import { isIPv6 } from 'node:net';
import { LruCache } from '../engine/index.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Keys tracked at once; beyond this the least recently seen key starts afresh (memory stays bounded). */
const MAX_KEYS = 100_000;

/**
 * In-memory token buckets, one per key (a client address, a DPoP key thumbprint): `perMinute`
 * tokens, refilled continuously. Time comes from the caller (the issuer's `now()`), so tests
 * can move it. Per process: with several engine processes, each limits what it serves.
 */
export class RateLimiter {
  private readonly buckets = new LruCache<Bucket>(MAX_KEYS);
  private readonly perMs: number;

  constructor(private readonly perMinute: number) {
    this.perMs = perMinute / 60_000;
  }

  private bucket(key: string, now: number): Bucket {
    const last = this.buckets.get(key);
    const tokens = last
      ? Math.min(this.perMinute, last.tokens + Math.max(0, now - last.at) * this.perMs)
      : this.perMinute;
    return { tokens, at: now };
  }

  /** Seconds until one token is available for `key`; 0 when one is available now. */
  retryAfter(key: string, now: number): number {
    const { tokens } = this.bucket(key, now);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.perMs / 1000);
  }

  /** Takes one token: 0 when taken, else the seconds to wait (nothing is taken then). */
  take(key: string, now: number): number {
    const bucket = this.bucket(key, now);
    if (bucket.tokens < 1) return Math.ceil((1 - bucket.tokens) / this.perMs / 1000);
    this.buckets.set(key, { tokens: bucket.tokens - 1, at: now });
    return 0;
  }
}

/**
 * The bucket key of a client address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64,
 * since one subscriber usually holds a whole /64 and could rotate within it.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
