import { SqliteFile } from './sqlite-file.js';
import { hashSecret } from '../../../protocol/handles.js';
import type { CreatedOffer, OfferStore } from '../ports.js';

/** Credential offers in the embedded SQLite state file; issuer_state only as its hash. */
export class SqliteOfferStore implements OfferStore {
  private readonly file: SqliteFile;
  private readonly statements;

  /** A path of its own, or an `SqliteFile` shared with the other state stores. */
  constructor(source: string | SqliteFile) {
    this.file = SqliteFile.from(source);
    const db = this.file.db;
    // The table of earlier releases kept served-once bodies holding issuer_state in clear; offers live minutes, so it goes.
    db.exec(`DROP TABLE IF EXISTS offers;
      CREATE TABLE IF NOT EXISTS credential_offers (
      offer_id TEXT PRIMARY KEY, state_hash TEXT NOT NULL UNIQUE, config_ids TEXT NOT NULL,
      expires_at INTEGER NOT NULL, served INTEGER NOT NULL DEFAULT 0, consumed INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID`);
    this.statements = {
      insert: db.prepare(
        'INSERT INTO credential_offers (offer_id, state_hash, config_ids, expires_at) VALUES (?, ?, ?, ?)',
      ),
      serve: db.prepare<[string, number], { config_ids: string }>(
        'UPDATE credential_offers SET served = 1 WHERE offer_id = ? AND served = 0 AND expires_at > ? RETURNING config_ids',
      ),
      consume: db.prepare<[string, number], { config_ids: string }>(
        'UPDATE credential_offers SET consumed = 1 WHERE state_hash = ? AND consumed = 0 AND expires_at > ? RETURNING config_ids',
      ),
    };
  }

  async create(offer: CreatedOffer): Promise<void> {
    this.statements.insert.run(
      offer.offerId,
      hashSecret(offer.issuerState),
      JSON.stringify(offer.credentialConfigurationIds),
      offer.expiresAt,
    );
    await this.file.durable();
  }

  private async once(statement: typeof this.statements.serve, key: string, now: number): Promise<string[] | undefined> {
    const row = statement.get(key, now);
    if (row) await this.file.durable();
    return row ? (JSON.parse(row.config_ids) as string[]) : undefined;
  }

  serveOnce(offerId: string, now: number): Promise<string[] | undefined> {
    return this.once(this.statements.serve, offerId, now);
  }

  consume(issuerState: string, now: number): Promise<string[] | undefined> {
    return this.once(this.statements.consume, hashSecret(issuerState), now);
  }

  ready(): Promise<void> {
    return this.file.ready();
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
