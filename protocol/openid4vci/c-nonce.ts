import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * c_nonce values for the unauthenticated nonce endpoint (OpenID4VCI §7): self-contained,
 * `base64url(expiry ‖ 128 random bits ‖ HMAC)`, so any instance can check one without
 * shared state. Single use is enforced where it is consumed (replay cache, then the
 * session's log).
 */
const EXPIRY_BYTES = 6;
const RANDOM_BYTES = 16;
const MAC_BYTES = 16;

export class CNonceCodec {
  constructor(private readonly secret: Uint8Array) {}

  private mac(data: Buffer): Buffer {
    return createHmac('sha256', this.secret).update('c_nonce').update(data).digest().subarray(0, MAC_BYTES);
  }

  issue(now: number, lifetimeSeconds: number): { nonce: string; expiresAt: number } {
    const expiresAt = now + lifetimeSeconds * 1000;
    const data = Buffer.alloc(EXPIRY_BYTES + RANDOM_BYTES);
    data.writeUIntBE(expiresAt, 0, EXPIRY_BYTES);
    randomBytes(RANDOM_BYTES).copy(data, EXPIRY_BYTES);
    return { nonce: Buffer.concat([data, this.mac(data)]).toString('base64url'), expiresAt };
  }

  /** The nonce's deadline if it is ours and still live at `now`, else undefined. */
  check(nonce: string, now: number): number | undefined {
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== EXPIRY_BYTES + RANDOM_BYTES + MAC_BYTES || raw.toString('base64url') !== nonce) return undefined;
    const data = raw.subarray(0, EXPIRY_BYTES + RANDOM_BYTES);
    if (!timingSafeEqual(this.mac(data), raw.subarray(EXPIRY_BYTES + RANDOM_BYTES))) return undefined;
    const expiresAt = data.readUIntBE(0, EXPIRY_BYTES);
    return now < expiresAt ? expiresAt : undefined;
  }
}
