import type { CheckOutcome, CheckResult, ProgressListener } from './check.js';
import type { Suite } from './suite.js';
import type { ConformanceTarget } from './target.js';

/** What a run was asked for, as the report records it. */
export interface KitOptions {
  seed: number;
  runs: number;
  dialect: string;
}

/** The JSON report of a run (`--report`): what ran against what, each result, the totals. */
export interface KitReport {
  target: { issuerUrl: string; dialects: readonly string[]; configurationId: string; scope: string };
  options: KitOptions;
  seed: number;
  startedAt: string;
  durationMs: number;
  totals: Record<CheckOutcome, number>;
  results: CheckResult[];
}

/** Runs each suite against the target in turn (the attack catalogue, the model-based fuzzing) into one report. */
export async function runKit(
  target: ConformanceTarget,
  suites: readonly Suite[],
  options: KitOptions & { onProgress?: ProgressListener },
): Promise<KitReport> {
  const startedAt = new Date();
  const started = performance.now();
  const results: CheckResult[] = [];
  for (const suite of suites)
    results.push(
      ...(await suite(target, {
        seed: options.seed,
        runs: options.runs,
        ...(options.onProgress && { onProgress: options.onProgress }),
      })),
    );
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const result of results) totals[result.outcome] += 1;
  return {
    target: {
      issuerUrl: target.issuerUrl,
      dialects: target.dialects,
      configurationId: target.configurationId,
      scope: target.scope,
    },
    options: { seed: options.seed, runs: options.runs, dialect: options.dialect },
    seed: options.seed,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    totals,
    results,
  };
}
