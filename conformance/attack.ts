import type { DialectFlow } from './dialect-flow.js';
import type { ConformanceTarget, Dialect } from './target.js';

/** What a check gets: the target, the honest flow of the dialect it runs on, and the run's seed and size. */
export interface AttackContext {
  target: ConformanceTarget;
  flow: DialectFlow;
  seed: number;
  runs: number;
}

/**
 * One named attack: it drives the target into a situation and passes when the target refuses
 * as the requirement says; it throws a verdict (`fail`, `skip`) otherwise.
 */
export interface AttackCheck {
  /** Stable, `family.name`. */
  id: string;
  /** A seed id (P-20) or a spec section (RFC 9449 §11.1). */
  requirement: string;
  title: string;
  /** The dialects it applies to; `any` runs it once, on the first dialect of the run. */
  dialects: readonly Dialect[] | 'any';
  run: (context: AttackContext) => Promise<void>;
}

export const ALL: readonly Dialect[] = ['l', 's1', 's2', 's3'];
export const INTERACTIVE: readonly Dialect[] = ['s1', 's2', 's3'];
