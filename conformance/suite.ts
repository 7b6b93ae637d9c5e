import type { CheckResult, ProgressListener } from './check.js';
import type { ConformanceTarget } from './target.js';

/** How a run is seeded and sized: the same seed replays the same generated inputs. */
export interface SuiteOptions {
  seed: number;
  /** How many generated cases a randomised check tries (the garbage bodies, the model's sequences). */
  runs: number;
  onProgress?: ProgressListener;
}

/** A part of the kit (the attack catalogue, the model-based fuzzing): its results against one target. */
export type Suite = (target: ConformanceTarget, options: SuiteOptions) => Promise<CheckResult[]>;
