import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TamperedRecord } from './record-mac.js';

const IV = 12;
const TAG = 16;

/**
 * Session sealing keys as they are stored: wrapped with AES-256-GCM under a key-encryption
 * key derived from the master secret, the session id as associated data (a wrapped key
 * cannot be moved to another session). A copy of the stores without `keys.json` unwraps
 * nothing (hardening: keys at rest).
 */
export class KeyWrap {
  constructor(private readonly kek: Uint8Array) {}

  wrap(sessionId: string, key: Uint8Array): Buffer {
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv).setAAD(Buffer.from(`session-key\n${sessionId}`));
    return Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
  }

  unwrap(sessionId: string, wrapped: Uint8Array): Buffer {
    const bytes = Buffer.from(wrapped);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.kek, bytes.subarray(0, IV)).setAAD(
        Buffer.from(`session-key\n${sessionId}`),
      );
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG));
      return Buffer.concat([decipher.update(bytes.subarray(IV, bytes.length - TAG)), decipher.final()]);
    } catch {
      throw new TamperedRecord(`the sealing key of session ${sessionId} fails its authentication`);
    }
  }
}
