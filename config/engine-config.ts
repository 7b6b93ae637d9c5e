import type { EngineConfig } from '../engine/index.js';
import type { Config } from './schema.js';

const SECOND = 1000;

/**
 * The engine's configuration from the issuer's: the one conversion of the lifetimes (the
 * schema's seconds, with its defaults, to the engine's milliseconds) and of the policy.
 * The engine enforces `maxPresentationAttempts` itself, so the retry policy is the
 * configured answer.
 */
export function engineConfigOf(config: Pick<Config, 'lifetimes' | 'policy'>): EngineConfig {
  const { lifetimes, policy } = config;
  return {
    lifetimes: {
      session: lifetimes.session * SECOND,
      request: lifetimes.request * SECOND,
      pdis: lifetimes.pdis * SECOND,
      code: lifetimes.code * SECOND,
      token: lifetimes.token * SECOND,
      cNonce: lifetimes.cNonce * SECOND,
    },
    holderContinuity: policy.holderContinuity,
    maxPresentationAttempts: policy.maxPresentationAttempts,
    ...(policy.batchSize !== undefined && { batchSize: policy.batchSize }),
    onRetry: () => policy.afterWalletError,
  };
}
