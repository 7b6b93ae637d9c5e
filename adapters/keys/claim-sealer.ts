import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SessionKeys } from '../stores/ports.js';

/**
 * Seals the claims a session needs for its new credential under a key of that session
 * alone (AES-256-GCM, the session id as associated data). The key lives outside the
 * event log, so `erase` destroys the personal data for good while the log, which only
 * holds the sealed blob, stays intact (seed 002 §3.3 data minimisation).
 */
export class ClaimSealer {
  constructor(private readonly keys: SessionKeys) {}

  /**
   * Sealed under the session's key; with `create` unset, a session without a key (never
   * started, or erased) gets a blob sealed under a throwaway key, which nobody can open.
   */
  async seal(sessionId: string, claims: Record<string, unknown>, create = true): Promise<string> {
    const key = (await this.keys.keyFor(sessionId, create)) ?? randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(sessionId));
    const body = Buffer.concat([cipher.update(JSON.stringify(claims), 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(
      '.',
    );
  }

  /** The sealed claims, or undefined once the session's key is erased. */
  async unseal(sessionId: string, sealed: string): Promise<Record<string, unknown> | undefined> {
    const key = await this.keys.keyFor(sessionId, false);
    const [version, iv, body, tag] = sealed.split('.');
    if (!key || version !== 'v1' || !iv || !body || !tag) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(sessionId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const json = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(json) as Record<string, unknown>;
  }

  erase(sessionId: string): Promise<void> {
    return this.keys.erase(sessionId);
  }
}
