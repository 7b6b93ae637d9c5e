import type { ReplayCache } from '../ports.js';

/** A replay cache for one process; expired keys are dropped as new ones arrive. */
export class MemoryReplayCache implements ReplayCache {
  private readonly seen = new Map<string, number>();

  async useOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    this.seen.set(key, expiresAt);
    if (this.seen.size % 1024 === 0) for (const [k, t] of this.seen) if (t <= now) this.seen.delete(k);
    return true;
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}
}
