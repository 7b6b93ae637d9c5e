/**
 * The supported test support of pdi-engine (issue 11 §5), for our CLIs and benches and for
 * embedders:
 *
 * - `describeEventStoreContract(name, open, { describe, it, expect })`: the contract every
 *   `EventStore` passes, run with your runner's test functions against your own store.
 * - `Flow`, `T0`, `runCommands`, the `arb*` arbitraries: engine commands of whole sessions and
 *   fast-check generators of them, for property tests and benches without HTTP.
 * - `startIssuer` (an issuer over loopback HTTP on a fresh SQLite directory, trusting a demo PID
 *   provider, with a movable clock), `spawnIssuer` (`bin/start.ts` in a process of its own),
 *   `startNatsServer`, `startNatsCluster` (three routed JetStream servers) and `startCluster` (nats-server
 *   and engine processes behind a gateway).
 * - `untilPresentation` … `untilToken`: a reference wallet's flow up to a step, checked on the way.
 * - `runFuzz`, `buildCorpus`: the protocol fuzzer; `runCrashBatches`: the SQLite crash harness;
 *   `runOne`, `checkLogs`, `expectCompleteOrClear`, `answering`: the fault checks they share.
 *
 * @module pdi-engine/testing
 */
export { arbCommand, arbSession, arbStepTimes, happyPathAt, type CommandAt } from './arbitraries.js';
export { CLUSTER_ADMIN_TOKEN, freePort, startCluster, type Cluster, type EngineProcess } from './cluster.js';
export { answering, checkLogs, expectCompleteOrClear, runOne, type FlowResult } from './fault-checks.js';
export { engineConfig } from './engine-config.js';
export { Flow, SECOND, T0, VERIFIER, h } from './flow.js';
export { untilCode, untilPdis, untilPresentation, untilToken } from './flow-steps.js';
export { buildCorpus, type FuzzCorpus } from './fuzz-corpus.js';
export { FUZZ_ADMIN_TOKEN, arbFuzzRequest, runFuzz, type FuzzFailure, type FuzzRequest } from './fuzzer.js';
export { spawnIssuer } from './issuer-process.js';
export { startIssuer, type RunningIssuer } from './issuer-server.js';
export { startNatsServer, type NatsRole, type RunningNats } from './nats-server.js';
export { startNatsCluster, type RunningNatsCluster } from './nats-cluster.js';
export { lastOutcome, runCommands, type Step } from './run.js';
export { runCrashBatches } from './sqlite-crash.js';
export {
  describeEventStoreContract,
  type ContractMatchers,
  type OpenedContractStore,
  type TestFunctions,
} from './store-contract.js';
