import { engineConfigOf } from '../config/engine-config.js';
import { Config } from '../config/schema.js';
import type { EngineConfig, Lifetimes } from '../engine/index.js';

/** The engine's configuration under the configuration schema's defaults. */
const DEFAULTS: EngineConfig = engineConfigOf({
  lifetimes: Config.shape.lifetimes.parse(undefined),
  policy: Config.shape.policy.parse(undefined),
});

/** For tests, benchmarks and the demo: the defaults with some values replaced (lifetimes in ms). */
export function engineConfig(
  overrides: Partial<Omit<EngineConfig, 'lifetimes'>> & { lifetimes?: Partial<Lifetimes> } = {},
): EngineConfig {
  return { ...DEFAULTS, ...overrides, lifetimes: { ...DEFAULTS.lifetimes, ...overrides.lifetimes } };
}
