import fc from 'fast-check';
import type { CheckResult, ProgressListener } from '../check.js';
import type { ConformanceTarget, Dialect } from '../target.js';
import { arbStepCommands } from './commands.js';
import { ModelOracle } from './oracle.js';
import { WalletDriver } from './wallet-driver.js';

export interface ModelFuzzOptions {
  /** The fast-check seed: the same seed generates the same sequences. */
  seed: number;
  /** Sequences per dialect. */
  runs: number;
  /** A reported counterexample's path and replayPath: with its seed, they replay just that (shrunk) sequence. */
  path?: string;
  replayPath?: string;
  /** Sessions a sequence spans (2) and its most generated steps (40; those a session cannot form are left out). */
  sessions?: number;
  maxSteps?: number;
  onProgress?: ProgressListener;
}

const ID = 'model.sequences';
/** The model is the engine's session machine (engine/machine.ts), which follows OpenID4VCI 1.0 §6–§8, FiPA §5, OpenID4VP §8 and RFC 9449. */
const REQUIREMENT = 'engine model (engine/machine.ts)';

function titleOf(options: ModelFuzzOptions): string {
  return `${options.runs} random step sequences over ${options.sessions ?? 2} sessions agree with the model (status class, OAuth error)`;
}

/** One dialect's sequences: a failure is the shrunk sequence, with the seed and path that replay it. */
async function fuzzDialect(
  oracle: ModelOracle,
  target: ConformanceTarget,
  dialect: Dialect,
  options: ModelFuzzOptions,
): Promise<CheckResult> {
  const started = performance.now();
  const commands = arbStepCommands(dialect, {
    sessions: options.sessions ?? 2,
    maxCommands: options.maxSteps ?? 40,
    ...(options.replayPath !== undefined && { replayPath: options.replayPath }),
  });
  const property = fc.asyncProperty(commands, async (sequence) => {
    const worlds = { model: oracle.driver(dialect), target: new WalletDriver(target, dialect) };
    await fc.asyncModelRun(() => ({ model: worlds, real: worlds }), sequence);
  });
  const run = await fc.check(property, {
    seed: options.seed,
    numRuns: options.runs,
    ...(options.path !== undefined && { path: options.path }),
  });
  const result = { id: ID, requirement: REQUIREMENT, title: titleOf(options), dialect };
  const ms = Math.round(performance.now() - started);
  if (!run.failed) return { ...result, outcome: 'passed', ms };
  const error = run.errorInstance instanceof Error ? run.errorInstance.message : String(run.errorInstance);
  // fast-check lists the commands that ran, then the replayPath its commands need to replay the same shrunk sequence.
  const listed = String(run.counterexample?.[0] ?? '');
  const replayPath = /\/\*replayPath="([^"]*)"\*\//.exec(listed)?.[1];
  const sequence = listed
    .replace(/\s*\/\*replayPath=.*$/, '')
    .split(',')
    .join('; ');
  const replay = `seed ${run.seed}, path "${run.counterexamplePath}"${replayPath ? `, replayPath "${replayPath}"` : ''}`;
  return {
    ...result,
    outcome: 'failed',
    detail: `${error}. Sequence: ${sequence}. Replay with ${replay}.`,
    ms,
  };
}

/**
 * Model-based fuzzing (issue 17 §1): per dialect of the target, random sequences of valid,
 * reordered, replayed and mutated wallet steps across several sessions, each step run against the
 * target and against the model (our issuer in-process, configured from the target's metadata); a
 * disagreement is shrunk to a minimal sequence. One result per dialect, id `model.sequences`.
 */
export async function runModelFuzz(target: ConformanceTarget, options: ModelFuzzOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    options.onProgress?.(result);
  };
  const none = (outcome: 'skipped' | 'failed', detail: string) => {
    for (const dialect of target.dialects)
      report({ id: ID, requirement: REQUIREMENT, title: titleOf(options), dialect, outcome, detail, ms: 0 });
    return results;
  };
  if (!target.pidTrust) return none('skipped', "no PID trust given: the model cannot trust the target's PIDs");
  let oracle: ModelOracle;
  try {
    oracle = await ModelOracle.open(target);
  } catch (error) {
    // Fail closed: a target the model cannot be configured from has not been shown to agree with it.
    return none('failed', `the model could not be configured from the target: ${(error as Error).message}`);
  }
  try {
    for (const dialect of target.dialects) report(await fuzzDialect(oracle, target, dialect, options));
  } finally {
    await oracle.close();
  }
  return results;
}
