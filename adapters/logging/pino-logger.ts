import pino, { type DestinationStream } from 'pino';
import type { LogFields, Logger } from '../../protocol/ports.js';
import type { LogLevel } from './levels.js';

/**
 * Issue 12 §2: field names that may carry a bearer secret, a handle, a claim, a credential or a
 * proof. No log call of the issuer passes any of them; should one ever do, at the top level or
 * one level down, pino writes `[redacted]` instead of the value.
 */
export const REDACTED_FIELDS = [
  'authorization',
  'dpop',
  'headers',
  'body',
  'query',
  'token',
  'access_token',
  'refresh_token',
  'admin_token',
  'adminToken',
  'code',
  'c_nonce',
  'nonce',
  'auth_session',
  'presentation_during_issuance_session',
  'pdis',
  'issuer_state',
  'vp_token',
  'response',
  'request',
  'proof',
  'proofs',
  'claims',
  'credential',
  'credentials',
  'key',
  'secret',
  'pass',
  'password',
] as const;

export interface PinoLoggerOptions {
  /** The lowest level written; `info` by default. */
  level?: LogLevel;
  /** Where the lines go; stdout by default (a file, or a test's capture, otherwise). */
  destination?: DestinationStream;
}

/**
 * The default logger (issue 12 §2): one JSON line per entry on stdout,
 * `{"level":"info","time":…,"pid":…,"hostname":…,"msg":…, …fields}`, through pino, with the
 * fields of `REDACTED_FIELDS` censored wherever they appear at the top level or one level down.
 */
export function createPinoLogger(options: PinoLoggerOptions = {}): Logger {
  const paths = REDACTED_FIELDS.flatMap((name) => [name, `*.${name}`]);
  const base = pino(
    {
      level: options.level ?? 'info',
      redact: { paths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination(1),
  );
  const write = (level: LogLevel) => (message: string, fields?: LogFields) =>
    fields ? base[level](fields, message) : base[level](message);
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
