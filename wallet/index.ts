/**
 * The reference wallet (`pdi-engine/wallet`), for tests and demos: it runs the whole flow against
 * an issuer and can misbehave on purpose; the demo PID provider issues the PID it presents.
 *
 * @module pdi-engine/wallet
 */
export {
  type Answer,
  type CallOptions,
  ReferenceWallet,
  type ResponseDeviation,
  type WalletOptions,
} from './reference-wallet.js';
export {
  INTERACTION_TYPES,
  type InteractiveDialect,
  InteractiveSteps,
  runInteractiveFlow,
} from './interactive-flow.js';
export { DEMO_PERSON, DEMO_PID_ISSUER, type DemoPidIssuer, openDemoPidIssuer } from './demo-pid-issuer.js';
export { keepAliveFetch, type WalletFetch, type WalletResponse } from './keep-alive-fetch.js';
export { generateWalletKey, type WalletKey } from './keys.js';
export {
  generateKeyAttester,
  keyAttestation,
  trustedKeyAttester,
  type KeyAttestationClaims,
  type KeyAttester,
} from './key-attester.js';
export type { ResponseEncryptionRequest } from './credential-encryption.js';
export type { WalletRequest } from './request-object.js';
