import type { AttackCheck } from './attack.js';
import { disclosures } from './attacks/disclosures.js';
import { dpop } from './attacks/dpop.js';
import { expiry } from './attacks/expiry.js';
import { fixation } from './attacks/fixation.js';
import { garbage } from './attacks/garbage.js';
import { keyBinding } from './attacks/key-binding.js';
import { race } from './attacks/race.js';
import { replay } from './attacks/replay.js';
import { walletError } from './attacks/wallet-error.js';
import type { CheckResult } from './check.js';
import { CheckVerdict } from './failure.js';
import { DialectFlow } from './dialect-flow.js';
import type { Suite } from './suite.js';
import type { ConformanceTarget, Dialect } from './target.js';

/** Every attack of the kit (docs/conformance.md lists them with their requirements), in report order. */
export const ATTACKS: readonly AttackCheck[] = [
  ...fixation,
  ...dpop,
  ...replay,
  ...race,
  ...keyBinding,
  ...disclosures,
  ...expiry,
  ...walletError,
  ...garbage,
];

/** How many checks run at once: enough to overlap round trips, few enough not to look like a flood. */
const CONCURRENCY = 4;

interface Planned {
  check: AttackCheck;
  dialect: Dialect | 'any';
  /** Why it does not run here, if it does not. */
  skipped?: string;
}

/** Each check on each dialect of the run it applies to; one not applying to any dialect of the run is skipped with why. */
function plan(target: ConformanceTarget, checks: readonly AttackCheck[]): Planned[] {
  return checks.flatMap((check): Planned[] => {
    if (check.dialects === 'any') return [{ check, dialect: 'any' }];
    const applicable = check.dialects.filter((dialect) => target.dialects.includes(dialect));
    if (applicable.length > 0) return applicable.map((dialect) => ({ check, dialect }));
    return [{ check, dialect: 'any', skipped: `applies to ${check.dialects.join(', ')}, not in this run` }];
  });
}

async function runOne(target: ConformanceTarget, planned: Planned, seed: number, runs: number): Promise<CheckResult> {
  const { check } = planned;
  const base = { id: check.id, requirement: check.requirement, title: check.title, dialect: planned.dialect };
  if (planned.skipped) return { ...base, outcome: 'skipped', detail: planned.skipped, ms: 0 };
  const started = performance.now();
  const flow = new DialectFlow(target, planned.dialect === 'any' ? target.dialects[0]! : planned.dialect);
  const ms = () => Math.round(performance.now() - started);
  try {
    await check.run({ target, flow, seed, runs });
    return { ...base, outcome: 'passed', ms: ms() };
  } catch (error) {
    if (error instanceof CheckVerdict) return { ...base, outcome: error.outcome, detail: error.message, ms: ms() };
    // Anything else (a refused honest step deep in the wallet, a dropped connection) fails the check, saying what.
    return { ...base, outcome: 'failed', detail: error instanceof Error ? error.message : String(error), ms: ms() };
  }
}

/** Runs `checks` against the target, a few at once, reporting each as it finishes; results in catalogue order. */
export async function runAttacks(
  target: ConformanceTarget,
  checks: readonly AttackCheck[],
  options: Parameters<Suite>[1],
): Promise<CheckResult[]> {
  const planned = plan(target, checks);
  const results = new Array<CheckResult>(planned.length);
  let next = 0;
  const worker = async () => {
    while (next < planned.length) {
      const index = next++;
      results[index] = await runOne(target, planned[index]!, options.seed, options.runs);
      options.onProgress?.(results[index]);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

/** The attack catalogue as a suite of the kit. */
export const attackCatalogue: Suite = (target, options) => runAttacks(target, ATTACKS, options);
