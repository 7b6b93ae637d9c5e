import { z } from 'zod';

/** What the policy is told when a wallet retries after a failed or timed-out presentation. */
export interface RetryFacts {
  attempts: number;
  maxAttempts: number;
  walletError?: { error: string; sealedErrorDescription?: string };
  requestExpired: boolean;
}
export type RetryOutcome = 'new_request' | 'redirect_to_web' | 'access_denied';
/** A pure function: the seed's "the Issuer decides how to proceed". */
export type RetryPolicy = (facts: RetryFacts) => RetryOutcome;

/** Default: ask again while attempts remain, then deny. The engine enforces the bound whatever the policy says. */
export const askAgainThenDeny: RetryPolicy = ({ attempts, maxAttempts }) =>
  attempts < maxAttempts ? 'new_request' : 'access_denied';

const lifetime = z.number().int().positive();

export const Lifetimes = z.object({
  session: lifetime.default(10 * 60_000),
  request: lifetime.default(5 * 60_000),
  pdis: lifetime.default(5 * 60_000),
  code: lifetime.default(60_000),
  token: lifetime.default(5 * 60_000),
  cNonce: lifetime.default(60_000),
});
export type Lifetimes = z.infer<typeof Lifetimes>;

export interface EngineConfig {
  lifetimes: Lifetimes;
  /** Require the credential's proof key to equal the presented credential's holder key (I-40). */
  holderContinuity: boolean;
  maxPresentationAttempts: number;
  /** The advertised batch_size (OpenID4VCI §12.2.4); undefined: no batch issuance, one proof per request. */
  batchSize?: number;
  onRetry: RetryPolicy;
}

export function engineConfig(
  overrides: Partial<Omit<EngineConfig, 'lifetimes'>> & { lifetimes?: Partial<Lifetimes> } = {},
): EngineConfig {
  return {
    holderContinuity: overrides.holderContinuity ?? false,
    maxPresentationAttempts: overrides.maxPresentationAttempts ?? 3,
    onRetry: overrides.onRetry ?? askAgainThenDeny,
    ...(overrides.batchSize !== undefined && { batchSize: overrides.batchSize }),
    lifetimes: Lifetimes.parse(overrides.lifetimes ?? {}),
  };
}
