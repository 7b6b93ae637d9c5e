import type { IssuerKeys } from '../adapters/keys/ports.js';
import type { IssuerStores } from '../adapters/stores/ports.js';
import { jsonResponse, type ProtocolResponse } from '../protocol/messages.js';
import type { Logger } from '../protocol/ports.js';

/** A named readiness check: resolves when ready, throws (or rejects) when not. */
export type ReadinessChecks = Record<string, () => Promise<void>>;

/** A check that has not answered by then counts as failed: an orchestrator's probe must not hang. */
const CHECK_TIMEOUT_MS = 2000;

function withinTimeout(check: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([Promise.resolve().then(check), timeout]).finally(() => clearTimeout(timer));
}

/** The issuer's own checks: the stores answer and can write; the signing keys are loaded. Hosts add theirs (NATS). */
export function issuerChecks(stores: IssuerStores, keys: IssuerKeys, extra: ReadinessChecks = {}): ReadinessChecks {
  return {
    stores: () => stores.ready(),
    keys: async () => {
      if (!keys.credentialSigner().kid || !keys.verifierSigner().kid) throw new Error('no signing key');
    },
    ...extra,
  };
}

/** `GET /healthz` (issue 12 §4): the process is up and answering. */
export function healthResponse(): ProtocolResponse {
  return jsonResponse(200, { status: 'ok' });
}

/**
 * `GET /readyz` (issue 12 §4): 200 when every check passes; else 503 naming the checks that
 * failed, never why (the reason goes to the log, for the operator).
 */
export async function readinessResponse(checks: ReadinessChecks, logger: Logger): Promise<ProtocolResponse> {
  const names = Object.keys(checks);
  const outcomes = await Promise.allSettled(names.map((name) => withinTimeout(checks[name]!)));
  const failed: string[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status === 'fulfilled') continue;
    failed.push(names[i]!);
    const reason = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
    logger.warn('readiness check failed', { check: names[i], reason });
  }
  return failed.length === 0
    ? jsonResponse(200, { status: 'ready' })
    : jsonResponse(503, { status: 'not_ready', failed });
}
