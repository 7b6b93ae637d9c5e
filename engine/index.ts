/**
 * The engine's public API (`pdi-engine/engine`): transports and adapters import from here only.
 *
 * @module pdi-engine/engine
 */
export * from './commands.js';
export * from './config.js';
export * from './errors.js';
export * from './events.js';
export { parseEvent, upcast } from './upcast.js';
export { decide, type Decision } from './decide.js';
export { audit, type Finding } from './audit.js';
export { Engine, type EngineOptions } from './runtime.js';
export { expireDue } from './scheduler.js';
export {
  VersionConflict,
  recentOf,
  type AppendOptions,
  type EventStore,
  type RecentStreamsQuery,
  type StreamSummary,
} from './store.js';
export {
  CorruptStream,
  INITIAL_STATE,
  contextOf,
  fold,
  nextDeadline,
  stateName,
  type SessionSnapshot,
  type SessionState,
} from './state.js';
export { currentRequest, identifierAllowed, issuable } from './rules.js';
export { credentialClaims } from './claims.js';
export { credentialPrecheck, type CredentialAsk } from './credential-precheck.js';
export { FINAL_STATES, sessionMachine, type StateName } from './machine.js';
export type { Expiring, SessionContext } from './context.js';
export { checkEvent } from './rules.js';
export { followUpEndpoint } from './dialect-rules.js';
export { LruCache } from './cache.js';
