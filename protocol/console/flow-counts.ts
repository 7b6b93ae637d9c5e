/** The overview's window: the last 30 minutes, per minute. */
export const OVERVIEW_MINUTES = 30;
const MINUTE = 60_000;

interface Minute {
  started: number;
  completed: number;
  refused: number;
  codes: Map<string, number>;
}

/** One minute of the overview: its start (epoch ms) and its counts. */
export interface MinuteCounts {
  minute: number;
  started: number;
  completed: number;
  refused: number;
}

/**
 * Issue 15 §2 (the overview), in memory and per instance: flows started (`ChallengeReceived`)
 * and completed (a session reaching `completed`) as the accepted-event feed tells them (every
 * instance's, where a feed is attached), and the requests this instance refused, by error code
 * (the `refusal` of its responses). Minutes older than the window are dropped.
 */
export class FlowCounts {
  private readonly minutes = new Map<number, Minute>();

  private bucket(at: number): Minute {
    const minute = Math.floor(at / MINUTE) * MINUTE;
    let counts = this.minutes.get(minute);
    if (!counts) {
      counts = { started: 0, completed: 0, refused: 0, codes: new Map() };
      this.minutes.set(minute, counts);
      for (const old of this.minutes.keys()) if (old <= minute - OVERVIEW_MINUTES * MINUTE) this.minutes.delete(old);
    }
    return counts;
  }

  started(at: number): void {
    this.bucket(at).started += 1;
  }

  completed(at: number): void {
    this.bucket(at).completed += 1;
  }

  refused(at: number, code: string): void {
    const counts = this.bucket(at);
    counts.refused += 1;
    counts.codes.set(code, (counts.codes.get(code) ?? 0) + 1);
  }

  /** The window ending at `now`, oldest minute first, every minute present (zeros included). */
  window(now: number): MinuteCounts[] {
    const last = Math.floor(now / MINUTE) * MINUTE;
    return Array.from({ length: OVERVIEW_MINUTES }, (_, i) => {
      const minute = last - (OVERVIEW_MINUTES - 1 - i) * MINUTE;
      const counts = this.minutes.get(minute);
      return {
        minute,
        started: counts?.started ?? 0,
        completed: counts?.completed ?? 0,
        refused: counts?.refused ?? 0,
      };
    });
  }

  /** The refusals of the window ending at `now`, by error code, most frequent first. */
  refusalsByCode(now: number): Array<[string, number]> {
    const from = Math.floor(now / MINUTE) * MINUTE - (OVERVIEW_MINUTES - 1) * MINUTE;
    const totals = new Map<string, number>();
    for (const [minute, counts] of this.minutes)
      if (minute >= from) for (const [code, n] of counts.codes) totals.set(code, (totals.get(code) ?? 0) + n);
    return [...totals].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  }
}
