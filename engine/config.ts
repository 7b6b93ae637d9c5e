/** What the policy is told when a wallet retries after a failed or timed-out presentation. */
export interface RetryFacts {
  attempts: number;
  maxAttempts: number;
  walletError?: { error: string; sealedErrorDescription?: string };
  requestExpired: boolean;
}
export type RetryOutcome = 'new_request' | 'redirect_to_web' | 'access_denied';
/**
 * A pure function: the seed's "the Issuer decides how to proceed". It is asked only while
 * attempts remain: once `maxPresentationAttempts` are used up the engine denies.
 */
export type RetryPolicy = (facts: RetryFacts) => RetryOutcome;

/** How long each deadline lies after the step that sets it, in milliseconds. */
export interface Lifetimes {
  session: number;
  request: number;
  pdis: number;
  code: number;
  token: number;
  cNonce: number;
}

/**
 * The engine's configuration, a plain value: its defaults and units are the configuration
 * schema's (`config/schema.ts`, seconds), converted once by `config/engine-config.ts`.
 */
export interface EngineConfig {
  lifetimes: Lifetimes;
  /** Require the credential's proof key to equal the presented credential's holder key (I-40). */
  holderContinuity: boolean;
  maxPresentationAttempts: number;
  /** The advertised batch_size (OpenID4VCI §12.2.4); undefined: no batch issuance, one proof per request. */
  batchSize?: number;
  onRetry: RetryPolicy;
}
