/**
 * The conformance and fuzzing kit (issue 17): what `pdi-conformance` runs against an issuer,
 * as a library for property tests of one's own issuer or wallet.
 *
 * @module pdi-engine/conformance
 */
export type { CheckOutcome, CheckResult, ProgressListener } from './check.js';
export { DIALECTS, type ConformanceTarget, type Dialect, type PidMinter, type PidTrust } from './target.js';
export * from './model/index.js';
