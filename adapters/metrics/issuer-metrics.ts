import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SessionEvent } from '../../engine/index.js';

/**
 * The protocol dialect a flow speaks: today only the seed's (`L`); issue 13 adds S1–S3.
 * A label on the flow counters, so dashboards need no change when they arrive.
 */
export const SEED_DIALECT = 'L';

/** How a flow ended without its credential, by the event that ended it. */
const REFUSED_OUTCOMES: Partial<Record<SessionEvent['type'], string>> = {
  Denied: 'denied',
  RedirectedToWeb: 'redirected_to_web',
  GrantRevoked: 'revoked',
  Expired: 'expired',
};

const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** One answered request as the metrics keep it: its route template (or `unmatched`), never its path. */
export interface ObservedRequest {
  route: string;
  method: string;
  status: number;
  seconds: number;
  refusal?: { code: string; rule: string } | undefined;
}

/**
 * Issue 12 §4: the Prometheus metrics of one issuer, in a registry of its own (never prom-client's
 * global one), so two issuers in one process share nothing. `docs/operations.md` lists them.
 */
export class IssuerMetrics {
  readonly registry = new Registry();
  private readonly flowsStarted;
  private readonly flowsCompleted;
  private readonly flowsRefused;
  private readonly refusals;
  private readonly requestSeconds;
  private readonly appendSeconds;
  private readonly groupCommitSize;
  private readonly expiryExpired;
  private readonly expiryDue;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.flowsStarted = new Counter({
      name: 'pdi_flows_started_total',
      help: 'Flows started (first challenge accepted), per credential configuration asked for',
      labelNames: ['dialect', 'credential_configuration'] as const,
      registers,
    });
    this.flowsCompleted = new Counter({
      name: 'pdi_flows_completed_total',
      help: 'Credential configurations of a flow issued (a flow for n configurations counts n)',
      labelNames: ['dialect', 'credential_configuration'] as const,
      registers,
    });
    this.flowsRefused = new Counter({
      name: 'pdi_flows_refused_total',
      help: 'Flows ended without their credential: denied, redirected_to_web, revoked (code replay), expired',
      labelNames: ['dialect', 'outcome'] as const,
      registers,
    });
    this.refusals = new Counter({
      name: 'pdi_refusals_total',
      help: 'Requests refused with a protocol error, by route template, error code and the rule that refused',
      labelNames: ['route', 'code', 'rule'] as const,
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'pdi_http_request_duration_seconds',
      help: 'Time to answer a request, by route template, method and status class',
      labelNames: ['route', 'method', 'status_class'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.appendSeconds = new Histogram({
      name: 'pdi_event_store_append_duration_seconds',
      help: 'Time for one event-store append to become durable (or be refused)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.groupCommitSize = new Histogram({
      name: 'pdi_sqlite_group_commit_size',
      help: 'Appends committed together in one SQLite transaction (SQLite event store only)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    });
    this.expiryExpired = new Gauge({
      name: 'pdi_expiry_last_run_expired',
      help: 'Sessions the last expiry run expired',
      registers,
    });
    this.expiryDue = new Gauge({
      name: 'pdi_expiry_still_due',
      help: 'Sessions still due after the last expiry run (the backlog; counted up to 10000)',
      registers,
    });
  }

  /** The engine's accepted-event hook: flows started, completed and refused. */
  readonly observeEvent = (event: SessionEvent): void => {
    if (event.type === 'ChallengeReceived')
      for (const id of event.data.credentialConfigurationIds)
        this.flowsStarted.inc({ dialect: SEED_DIALECT, credential_configuration: id });
    else if (event.type === 'CredentialIssued')
      this.flowsCompleted.inc({
        dialect: SEED_DIALECT,
        credential_configuration: event.data.credentialConfigurationId,
      });
    else {
      const outcome = REFUSED_OUTCOMES[event.type];
      if (outcome) this.flowsRefused.inc({ dialect: SEED_DIALECT, outcome });
    }
  };

  observeRequest({ route, method, status, seconds, refusal }: ObservedRequest): void {
    const labels = {
      route,
      method: KNOWN_METHODS.has(method) ? method : 'OTHER',
      status_class: `${Math.floor(status / 100)}xx`,
    };
    this.requestSeconds.observe(labels, seconds);
    if (refusal) this.refusals.inc({ route, code: refusal.code, rule: refusal.rule });
  }

  observeAppend(seconds: number): void {
    this.appendSeconds.observe(seconds);
  }

  readonly observeGroupCommit = (size: number): void => {
    this.groupCommitSize.observe(size);
  };

  observeExpiry(expired: number, stillDue: number): void {
    this.expiryExpired.set(expired);
    this.expiryDue.set(stillDue);
  }

  /** The text exposition format, with its content type, for a scrape. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
