import { createHash, timingSafeEqual } from 'node:crypto';
import type { IssuerContext } from '../issuer-context.js';
import { addressKey } from '../rate-limit.js';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../messages.js';

/** One admin action as the audit log records it: what and when, never the token or personal data. */
export interface AuditEntry {
  action: 'offer_created' | 'session_erased' | 'session_audited' | 'credential_status_changed' | 'refused';
  endpoint: string;
  reason?: string;
  [fact: string]: string | undefined;
}
/** The fields of an audit entry as the logger receives them. */
export type AuditLine = AuditEntry & { audit: 'admin'; at: string };

/** Issue 10 §4: one log entry per admin action (the default logger writes it as one JSON line on stdout). */
export function audit(ctx: IssuerContext, entry: AuditEntry): void {
  const line: AuditLine = { audit: 'admin', at: new Date(ctx.now()).toISOString(), ...entry };
  ctx.logger.info('admin audit', line);
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Issue 10 §4: compared in constant time, over SHA-256 digests so neither length nor content leaks. */
function tokenMatches(presented: string | null, expected: string): boolean {
  return presented !== null && timingSafeEqual(digest(presented), digest(`Bearer ${expected}`));
}

/**
 * The admin API's gate (RFC 6750 §3.1 bearer token): undefined when the caller holds the
 * admin token, else the refusal to answer. Issue 10 §4: failed attempts are throttled per
 * client address (all clients without a known address share one bucket): once the bucket
 * is empty, every admin request from there answers 429 with Retry-After, whatever token it carries.
 */
export function refuseNonAdmin(
  ctx: IssuerContext,
  request: ProtocolRequest,
  endpoint: string,
): ProtocolResponse | undefined {
  const now = ctx.now();
  const client = request.remoteAddress === undefined ? 'unknown' : addressKey(request.remoteAddress);
  const wait = ctx.limits.adminFailures.retryAfter(client, now);
  if (wait > 0) {
    audit(ctx, { action: 'refused', endpoint, reason: 'throttled' });
    return jsonResponse(
      429,
      { error: 'invalid_request', error_description: 'too many failed admin attempts; retry later' },
      { 'Retry-After': String(wait) },
    );
  }
  const admin = ctx.config.adminToken;
  const presented = request.headers.get('authorization');
  if (admin && tokenMatches(presented, admin)) return undefined;
  ctx.limits.adminFailures.take(client, now);
  audit(ctx, {
    action: 'refused',
    endpoint,
    reason: !admin ? 'admin_api_off' : presented === null ? 'no_token' : 'bad_token',
  });
  return jsonResponse(
    401,
    { error: 'invalid_token', error_description: 'the admin API needs the admin bearer token' },
    { 'WWW-Authenticate': 'Bearer' },
  );
}
