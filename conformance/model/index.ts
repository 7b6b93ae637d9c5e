/**
 * Model-based fuzzing (issue 17 §1) and the library for one's own property tests (§2): the
 * abstract wallet steps and their fast-check arbitraries, the model oracle (our issuer in-process),
 * the reference wallet that drives the steps, and `runModelFuzz`.
 */
export { arbWalletFlow, arbWalletStep, happyPath } from './arbitraries.js';
export { arbStepCommands, StepCommand, type Worlds } from './commands.js';
export { type ModelIssuer, openModelIssuer } from './model-issuer.js';
export { disagreement, firstDisagreement, ModelOracle } from './oracle.js';
export { describeOutcome, type Outcome, outcomeOf, sameOutcome } from './outcome.js';
export { type ModelFuzzOptions, runModelFuzz } from './run-model-fuzz.js';
export {
  type AuthSessionChoice,
  type CredentialVariant,
  describeStep,
  type PresentationVariant,
  type SessionIndex,
  type TokenVariant,
  type WalletStep,
} from './steps.js';
export { type StepRunner, WalletDriver } from './wallet-driver.js';
export {
  DEMO_PERSON,
  generateWalletKey,
  InteractiveSteps,
  openDemoPidIssuer,
  ReferenceWallet,
  runInteractiveFlow,
} from '../../wallet/index.js';
