import fc from 'fast-check';
import type { Dialect } from '../target.js';
import { arbHappyStep, arbWalletStep } from './arbitraries.js';
import { disagreement } from './oracle.js';
import { sameOutcome } from './outcome.js';
import { describeStep, type WalletStep } from './steps.js';
import type { WalletDriver } from './wallet-driver.js';

/** The two worlds a sequence runs in: a wallet on the model, one on the target, each with its own values. */
export interface Worlds {
  model: WalletDriver;
  target: WalletDriver;
}

/**
 * One abstract step as a fast-check command: run in both worlds, the target's outcome must be
 * the model's (status class and OAuth error). A step the model's wallet cannot form (no code
 * yet) is left out, so shrunk sequences hold only steps that were sent.
 */
export class StepCommand implements fc.AsyncCommand<Worlds, Worlds> {
  constructor(readonly step: WalletStep) {}

  check(model: Readonly<Worlds>): boolean {
    return model.model.canRun(this.step);
  }

  async run(_: Worlds, worlds: Worlds): Promise<void> {
    const [predicted, actual] = await Promise.all([worlds.model.execute(this.step), worlds.target.execute(this.step)]);
    if (!sameOutcome(predicted, actual)) throw new Error(disagreement(this.step, predicted, actual));
  }

  toString(): string {
    return describeStep(this.step);
  }
}

/**
 * Sequences of up to `maxCommands` generated steps over `sessions` sessions, as fast-check commands.
 * Valid steps (`happyStep`) are drawn three times as often as arbitrary ones, so sequences reach
 * tokens and credentials; the steps a session cannot form yet are left out when it runs.
 */
export function arbStepCommands(
  dialect: Dialect,
  options: { sessions: number; maxCommands: number; replayPath?: string },
) {
  const command = (step: WalletStep) => new StepCommand(step);
  const valid = arbHappyStep(dialect, options.sessions).map(command);
  return fc.commands([arbWalletStep(dialect, options.sessions).map(command), valid, valid, valid], {
    maxCommands: options.maxCommands,
    size: 'max',
    ...(options.replayPath !== undefined && { replayPath: options.replayPath }),
  });
}
