import type Database from 'better-sqlite3';
import { openSqliteFile } from '../sqlite-file.js';
import { hashSecret, newSecret } from '../ids.js';

export interface CreatedOffer {
  offerId: string;
  issuerState: string;
  credentialConfigurationIds: string[];
  expiresAt: number;
}

/**
 * Credential offers (OpenID4VCI §4.1) with an authorization_code grant carrying
 * `issuer_state`. An offer by reference is served once; its issuer_state binds one
 * challenge (single use, until expiry). Only the hash of issuer_state is kept after
 * the offer was served.
 */
export class OfferStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(path: string) {
    this.db = openSqliteFile(path);
    this.db.exec(`CREATE TABLE IF NOT EXISTS offers (
      offer_id TEXT PRIMARY KEY, state_hash TEXT NOT NULL UNIQUE, config_ids TEXT NOT NULL,
      expires_at INTEGER NOT NULL, body TEXT, consumed INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID`);
    this.statements = {
      insert: this.db.prepare('INSERT INTO offers (offer_id, state_hash, config_ids, expires_at, body) VALUES (?, ?, ?, ?, ?)'),
      unserved: this.db.prepare<[string, number], { body: string }>(
        'SELECT body FROM offers WHERE offer_id = ? AND body IS NOT NULL AND expires_at > ?',
      ),
      markServed: this.db.prepare('UPDATE offers SET body = NULL WHERE offer_id = ?'),
      consume: this.db.prepare<[string, number], { config_ids: string }>(
        'UPDATE offers SET consumed = 1 WHERE state_hash = ? AND consumed = 0 AND expires_at > ? RETURNING config_ids',
      ),
    };
  }

  /** A new offer; `body(issuerState)` is the offer JSON served once by reference. */
  create(credentialConfigurationIds: string[], now: number, lifetimeSeconds: number, body: (offer: CreatedOffer) => unknown): CreatedOffer {
    const offer = { offerId: newSecret(), issuerState: newSecret(), credentialConfigurationIds, expiresAt: now + lifetimeSeconds * 1000 };
    const json = JSON.stringify(body(offer));
    this.statements.insert.run(offer.offerId, hashSecret(offer.issuerState), JSON.stringify(credentialConfigurationIds), offer.expiresAt, json);
    return offer;
  }

  /** The offer JSON for `credential_offer_uri`, once; undefined if unknown, served already, or expired. */
  serveOnce(offerId: string, now: number): string | undefined {
    return this.db.transaction(() => {
      const body = this.statements.unserved.get(offerId, now)?.body;
      if (body !== undefined) this.statements.markServed.run(offerId);
      return body;
    }).immediate();
  }

  /** The configurations an issuer_state was offered for, consuming it; undefined if unknown, used or expired. */
  consume(issuerState: string, now: number): string[] | undefined {
    const row = this.statements.consume.get(hashSecret(issuerState), now);
    return row ? (JSON.parse(row.config_ids) as string[]) : undefined;
  }

  close(): void {
    this.db.close();
  }
}
