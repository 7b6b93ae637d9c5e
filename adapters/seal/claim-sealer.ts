import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openSqliteFile } from '../sqlite-file.js';

/**
 * Seals the claims a session needs for its new credential under a key of that session
 * alone (AES-256-GCM, the session id as associated data). The key lives outside the
 * event log, so `erase` destroys the personal data for good while the log, which only
 * holds the sealed blob, stays intact (seed 002 §3.3 data minimisation).
 */
export class ClaimSealer {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(path: string) {
    this.db = openSqliteFile(path);
    this.db.exec('CREATE TABLE IF NOT EXISTS session_keys (session_id TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID');
    this.statements = {
      insert: this.db.prepare('INSERT OR IGNORE INTO session_keys (session_id, key) VALUES (?, ?)'),
      find: this.db.prepare<[string], { key: Buffer }>('SELECT key FROM session_keys WHERE session_id = ?'),
      erase: this.db.prepare('DELETE FROM session_keys WHERE session_id = ?'),
    };
  }

  private keyOf(sessionId: string, create: boolean): Buffer | undefined {
    if (create) this.statements.insert.run(sessionId, randomBytes(32));
    return this.statements.find.get(sessionId)?.key;
  }

  seal(sessionId: string, claims: Record<string, unknown>): string {
    const key = this.keyOf(sessionId, true)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(sessionId));
    const body = Buffer.concat([cipher.update(JSON.stringify(claims), 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The sealed claims, or undefined once the session's key is erased. */
  unseal(sessionId: string, sealed: string): Record<string, unknown> | undefined {
    const key = this.keyOf(sessionId, false);
    const [version, iv, body, tag] = sealed.split('.');
    if (!key || version !== 'v1' || !iv || !body || !tag) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(sessionId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const json = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(json) as Record<string, unknown>;
  }

  erase(sessionId: string): void {
    this.statements.erase.run(sessionId);
  }

  close(): void {
    this.db.close();
  }
}
