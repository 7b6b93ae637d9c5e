import { createHash, timingSafeEqual } from 'node:crypto';
import type { IssuerContext } from '../issuer-context.js';
import { addressKey } from '../rate-limit.js';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../messages.js';

/** One admin action as the audit log records it: what and when, never the token or personal data. */
export interface AuditEntry {
  action:
    | 'offer_created'
    | 'session_erased'
    | 'session_audited'
    | 'credential_status_changed'
    | 'console_login'
    | 'console_logout'
    | 'refused';
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
  return presented !== null && timingSafeEqual(digest(presented), digest(expected));
}

/** Why an admin credential was refused, as the audit log names it. */
export type AdminRefusal =
  | { reason: 'throttled'; retryAfter: number }
  | { reason: 'admin_api_off' | 'no_token' | 'bad_token' };

/**
 * Issue 10 §4, shared by the bearer gate and the console's login form: undefined when
 * `presented` is the admin token, else the refusal, audited. Failed attempts are throttled per
 * client address (all clients without a known address share one bucket): once the bucket is
 * empty, every attempt from there is refused as throttled, whatever token it carries.
 */
export function checkAdminToken(
  ctx: IssuerContext,
  request: ProtocolRequest,
  endpoint: string,
  presented: string | null,
): AdminRefusal | undefined {
  const now = ctx.now();
  const client = request.remoteAddress === undefined ? 'unknown' : addressKey(request.remoteAddress);
  const wait = ctx.limits.adminFailures.retryAfter(client, now);
  if (wait > 0) {
    audit(ctx, { action: 'refused', endpoint, reason: 'throttled' });
    return { reason: 'throttled', retryAfter: wait };
  }
  const admin = ctx.config.adminToken;
  if (admin && tokenMatches(presented, admin)) return undefined;
  ctx.limits.adminFailures.take(client, now);
  const reason = !admin ? 'admin_api_off' : presented === null ? 'no_token' : 'bad_token';
  audit(ctx, { action: 'refused', endpoint, reason });
  return { reason };
}

/** RFC 6750 §2.1: the token of an `Authorization: Bearer` header; another scheme presents a token that never matches. */
function bearerToken(header: string | null): string | null {
  if (header === null) return null;
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
}

/**
 * The admin API's gate (RFC 6750 §3.1 bearer token): undefined when the caller holds the
 * admin token, else the refusal to answer: 429 with Retry-After when throttled, else 401.
 */
export function refuseNonAdmin(
  ctx: IssuerContext,
  request: ProtocolRequest,
  endpoint: string,
): ProtocolResponse | undefined {
  const refusal = checkAdminToken(ctx, request, endpoint, bearerToken(request.headers.get('authorization')));
  if (refusal === undefined) return undefined;
  if (refusal.reason === 'throttled')
    return jsonResponse(
      429,
      { error: 'invalid_request', error_description: 'too many failed admin attempts; retry later' },
      { 'Retry-After': String(refusal.retryAfter) },
    );
  return jsonResponse(
    401,
    { error: 'invalid_token', error_description: 'the admin API needs the admin bearer token' },
    { 'WWW-Authenticate': 'Bearer' },
  );
}
