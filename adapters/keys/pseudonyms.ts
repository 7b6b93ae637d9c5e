import { createHmac, randomBytes } from 'node:crypto';
import type { SessionKeys } from '../stores/ports.js';

/** What a pseudonym stands for: one label per kind, so equal values of one kind compare equal within a session. */
export type PseudonymKind = 'client_id' | 'jkt' | 'digest';
export type Pseudonymise = (kind: PseudonymKind, value: string) => string;

const INFO = Buffer.concat([Buffer.from('pdi-engine pseudonyms v1'), Buffer.from([1])]);

/**
 * Seed 002 §3.3, issue 10 §3: the identifiers that could link one person's sessions (client
 * id, key thumbprints, credential digests) are stored only as HMAC-SHA256 under a key
 * derived from that session's sealing key. Within the session they compare as before (the
 * engine's key-binding, holder-continuity and client_id rules see equal pseudonyms for
 * equal values); once erasure destroys the key, nobody can recompute them, so the log can
 * no longer be linked to another session or to a known key or credential.
 */
export class Pseudonyms {
  constructor(private readonly keys: SessionKeys) {}

  /**
   * The session's pseudonym function; `create` makes the session key (the first challenge).
   * Without a key (erased), values map under a throwaway key: they match nothing stored.
   */
  async of(sessionId: string, create = false): Promise<Pseudonymise> {
    return (await this.known(sessionId, create)) ?? under(randomBytes(32));
  }

  /** The session's pseudonym function, or undefined when the session has no key (erased, retained, never opened). */
  async known(sessionId: string, create = false): Promise<Pseudonymise | undefined> {
    const sessionKey = await this.keys.keyFor(sessionId, create);
    // HKDF-Expand (RFC 5869 §2.3), one block: the session key is uniformly random, so it is the PRK itself.
    return sessionKey && under(createHmac('sha256', sessionKey).update(INFO).digest());
  }
}

function under(key: Uint8Array): Pseudonymise {
  return (kind, value) => createHmac('sha256', key).update(`${kind}\0${value}`, 'utf8').digest('base64url');
}
