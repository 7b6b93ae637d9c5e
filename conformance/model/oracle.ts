import type { ConformanceTarget, Dialect } from '../target.js';
import { type ModelIssuer, openModelIssuer } from './model-issuer.js';
import { describeOutcome, type Outcome, sameOutcome } from './outcome.js';
import { describeStep, type WalletStep } from './steps.js';
import { WalletDriver } from './wallet-driver.js';

/**
 * The model oracle (issue 17 §1): the engine's own machine, our issuer in-process configured like
 * the target, fed with the same abstract steps; what it answers is what the target must answer.
 */
export class ModelOracle {
  private constructor(private readonly model: ModelIssuer) {}

  /** The oracle for `target` (it needs `target.pidTrust`); `close` it when done. */
  static async open(target: ConformanceTarget): Promise<ModelOracle> {
    return new ModelOracle(await openModelIssuer(target));
  }

  /** A reference wallet on the model, with sessions of its own, for driving step by step. */
  driver(dialect: Dialect): WalletDriver {
    return new WalletDriver(this.model.target, dialect);
  }

  /** What each step must come to, for a sequence run from scratch. */
  predict(dialect: Dialect, steps: readonly WalletStep[]): Promise<Outcome[]> {
    return this.driver(dialect).run(steps);
  }

  close(): Promise<void> {
    return this.model.close();
  }
}

/** The first step whose actual outcome differs from the predicted one, said in one line; undefined when all agree. */
export function firstDisagreement(
  steps: readonly WalletStep[],
  predicted: readonly Outcome[],
  actual: readonly Outcome[],
): string | undefined {
  const index = steps.findIndex((_, i) => !sameOutcome(predicted[i]!, actual[i]!));
  if (index < 0) return undefined;
  return disagreement(steps[index]!, predicted[index]!, actual[index]!);
}

export function disagreement(step: WalletStep, predicted: Outcome, actual: Outcome): string {
  return `${describeStep(step)}: the target answered ${describeOutcome(actual)}, the model ${describeOutcome(predicted)}`;
}
