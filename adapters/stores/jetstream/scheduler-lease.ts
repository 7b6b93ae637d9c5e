import { randomBytes } from 'node:crypto';
import type { KV } from '@nats-io/kv';

/** How long a lease lasts unrenewed: the lease bucket's TTL (the expiry scheduler renews it every 5 s). */
export const LEASE_SECONDS = 15;
const KEY = 'scheduler';

/**
 * Issue 16 §2: which engine instance runs the expiry scheduler, elected through one KV entry in a
 * bucket whose TTL is `LEASE_SECONDS`. Taking it is a `create` (create-if-absent), renewing it an
 * `update` at the revision this instance wrote, so two instances cannot both hold it; a holder
 * that stops renewing (crashed, cut off) loses it when the server removes the entry, and the next
 * instance to ask takes it over. The entry is not MAC'd: a forged one could only delay the
 * `Expired` events, and the rules refuse a late request whether or not its session was expired.
 */
export class SchedulerLease {
  private revision: number | undefined;
  private readonly holder = randomBytes(8).toString('hex');

  constructor(private readonly kv: KV) {}

  /** Whether this instance holds the lease now: renewed when it held it, taken when nobody does. */
  async held(): Promise<boolean> {
    if (this.revision !== undefined) {
      try {
        this.revision = await this.kv.update(KEY, this.holder, this.revision);
        return true;
      } catch {
        this.revision = undefined;
      }
    }
    try {
      this.revision = await this.kv.create(KEY, this.holder);
      return true;
    } catch {
      return false;
    }
  }

  /** Hand the lease back (on close), so another instance takes over at once rather than after the TTL. */
  async release(): Promise<void> {
    const revision = this.revision;
    this.revision = undefined;
    if (revision !== undefined) await this.kv.delete(KEY, { previousSeq: revision }).catch(() => undefined);
  }
}
