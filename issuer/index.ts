/**
 * The composition root (issue 11 §3): `createIssuer` over ports, and the presets that build
 * them: `sqlitePreset` (the embedded default, files in the data directory) and `natsPreset`
 * (JetStream on the host's connection). `composeIssuer` also returns the handlers' context,
 * for the test harness only.
 */
export {
  composeIssuer,
  createIssuer,
  type Issuer,
  type IssuerOptions,
  type IssuerPorts,
} from './create-issuer.js';
export { natsPreset } from './nats-preset.js';
export type { ReadinessChecks } from './readiness.js';
export { sqlitePreset } from './sqlite-preset.js';
