/**
 * The conformance and fuzzing kit (issue 17): what `pdi-conformance` runs against an issuer,
 * as a library for property tests of one's own issuer or wallet.
 *
 * @module pdi-engine/conformance
 */
export type { CheckOutcome, CheckResult, ProgressListener } from './check.js';
export { DIALECTS, type ConformanceTarget, type Dialect, type PidMinter, type PidTrust } from './target.js';
export * from './model/index.js';
export type { Suite, SuiteOptions } from './suite.js';
export type { AttackCheck, AttackContext } from './attack.js';
export { ATTACKS, attackCatalogue, runAttacks } from './catalogue.js';
export { DialectFlow, type Coded, type Opened } from './dialect-flow.js';
export { discoverTarget, SetupError, type DiscoveryRequest } from './discover.js';
export { CheckVerdict, expectRefusal, expectStatus, fail, skip } from './failure.js';
export { demoPidSource, keyPidSource, type PidSource } from './pid-minters.js';
export { type KitOptions, type KitReport, runKit } from './run-kit.js';
export { progressLine, reportTable } from './report.js';
