import type { Answer } from '../../wallet/index.js';

/**
 * What one wallet step came to, as far as two issuers must agree on it (issue 17 §1): the status
 * class and the OAuth error code (RFC 6749 §5.2), never the values, which differ between issuers.
 * `skipped`: the step needs a value the session does not hold (its earlier step was refused);
 * `wallet-refused`: the wallet refused the issuer's answer (a request object it could not verify).
 */
export interface Outcome {
  status: '2xx' | '3xx' | '4xx' | '5xx' | 'skipped' | 'wallet-refused';
  error?: string;
}

export const SKIPPED: Outcome = { status: 'skipped' };
export const WALLET_REFUSED: Outcome = { status: 'wallet-refused' };

export function outcomeOf(answer: Answer): Outcome {
  const status = (['2xx', '3xx', '4xx', '5xx'] as const)[Math.floor(answer.status / 100) - 2] ?? '5xx';
  const error = answer.body.error;
  return typeof error === 'string' && status !== '2xx' ? { status, error } : { status };
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  return a.status === b.status && a.error === b.error;
}

export function describeOutcome(outcome: Outcome): string {
  if (outcome.status === 'skipped') return 'nothing to send (no earlier answer held the value)';
  if (outcome.status === 'wallet-refused') return 'an answer the wallet refused (its OpenID4VP request did not verify)';
  return outcome.error ? `${outcome.status} ${outcome.error}` : outcome.status;
}
