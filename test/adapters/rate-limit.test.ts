import { describe, expect, it } from 'vitest';
import { RateLimiter, addressKey } from '../../protocol/rate-limit.js';

describe('rate limiting (issue 10 §4)', () => {
  it('issue 10 §4: an IPv6 client is limited by its /64, an IPv4-mapped one by its IPv4 address', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('issue 10 §4: a bucket holds its per-minute tokens, refills with time, and says how long to wait', () => {
    const limiter = new RateLimiter(2);
    const t = 1_000_000;
    expect([limiter.take('a', t), limiter.take('a', t)]).toEqual([0, 0]);
    expect(limiter.take('a', t)).toBe(30);
    expect(limiter.retryAfter('a', t + 15_000)).toBe(15);
    expect(limiter.take('b', t)).toBe(0);
    expect(limiter.take('a', t + 30_000)).toBe(0);
  });
});
