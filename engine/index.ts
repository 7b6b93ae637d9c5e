/** The engine's public API: transports and adapters import from here only. */
export * from './commands.js';
export * from './config.js';
export * from './errors.js';
export * from './events.js';
export { decide, type Accepted, type Decision, type Rejection } from './decide.js';
export { Engine, type EngineOptions, type Outcome } from './runtime.js';
export { expireDue } from './scheduler.js';
export { VersionConflict, type AppendOptions, type EventStore } from './store.js';
export { CorruptStream, INITIAL_STATE, contextOf, fold, nextDeadline, stateName, type SessionState } from './state.js';
export { issuable } from './rules.js';
export { FINAL_STATES, sessionMachine, type StateName } from './machine.js';
export type { SessionContext } from './context.js';
