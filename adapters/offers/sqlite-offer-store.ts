import { SqliteFile } from '../sqlite-file.js';
import { hashSecret } from '../ids.js';
import { newOffer, type CreatedOffer, type OfferStore } from './offer-store.js';

/** Credential offers in the embedded SQLite state file. */
export class SqliteOfferStore implements OfferStore {
  private readonly file: SqliteFile;
  private readonly statements;

  /** A path of its own, or an `SqliteFile` shared with the other state stores. */
  constructor(source: string | SqliteFile) {
    this.file = SqliteFile.from(source);
    const db = this.file.db;
    db.exec(`CREATE TABLE IF NOT EXISTS offers (
      offer_id TEXT PRIMARY KEY, state_hash TEXT NOT NULL UNIQUE, config_ids TEXT NOT NULL,
      expires_at INTEGER NOT NULL, body TEXT, consumed INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID`);
    this.statements = {
      insert: db.prepare('INSERT INTO offers (offer_id, state_hash, config_ids, expires_at, body) VALUES (?, ?, ?, ?, ?)'),
      unserved: db.prepare<[string, number], { body: string }>(
        'SELECT body FROM offers WHERE offer_id = ? AND body IS NOT NULL AND expires_at > ?',
      ),
      markServed: db.prepare('UPDATE offers SET body = NULL WHERE offer_id = ?'),
      consume: db.prepare<[string, number], { config_ids: string }>(
        'UPDATE offers SET consumed = 1 WHERE state_hash = ? AND consumed = 0 AND expires_at > ? RETURNING config_ids',
      ),
    };
  }

  /** A new offer; `body(issuerState)` is the offer JSON served once by reference. */
  async create(credentialConfigurationIds: string[], now: number, lifetimeSeconds: number, body: (offer: CreatedOffer) => unknown): Promise<CreatedOffer> {
    const offer = newOffer(credentialConfigurationIds, now, lifetimeSeconds);
    const json = JSON.stringify(body(offer));
    this.statements.insert.run(offer.offerId, hashSecret(offer.issuerState), JSON.stringify(credentialConfigurationIds), offer.expiresAt, json);
    await this.file.durable();
    return offer;
  }

  async serveOnce(offerId: string, now: number): Promise<string | undefined> {
    const body = this.file.db.transaction(() => {
      const unserved = this.statements.unserved.get(offerId, now)?.body;
      if (unserved !== undefined) this.statements.markServed.run(offerId);
      return unserved;
    }).immediate();
    if (body !== undefined) await this.file.durable();
    return body;
  }

  async consume(issuerState: string, now: number): Promise<string[] | undefined> {
    const row = this.statements.consume.get(hashSecret(issuerState), now);
    if (row) await this.file.durable();
    return row ? (JSON.parse(row.config_ids) as string[]) : undefined;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
