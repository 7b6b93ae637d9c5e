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

const CENSORED = new Set<string>(REDACTED_FIELDS);
const CENSOR = '[redacted]';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const censorOne = (key: string, value: unknown) => (CENSORED.has(key) ? CENSOR : value);

/** `value` with its `REDACTED_FIELDS` censored when it is an object holding one; `value` itself otherwise. */
function censorInner(value: unknown): unknown {
  if (!isRecord(value) || !Object.keys(value).some((key) => CENSORED.has(key))) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, censorOne(key, inner)]));
}

/** A copy of `fields` with every `REDACTED_FIELDS` value censored, at the top level and one level down; `fields` itself when none is there. */
function censorFields(fields: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(fields);
  const censored = entries.map(([key, value]) => [key, CENSORED.has(key) ? CENSOR : censorInner(value)] as const);
  return censored.every(([, value], i) => value === entries[i]![1]) ? fields : Object.fromEntries(censored);
}

/**
 * The default logger (issue 12 §2): one JSON line per entry on stdout,
 * `{"level":"info","time":…,"pid":…,"hostname":…,"msg":…, …fields}`, through pino, with the
 * fields of `REDACTED_FIELDS` censored wherever they appear at the top level or one level down.
 * The censoring is a set lookup per field (pino's `redact` with `*.name` wildcards cost ten
 * times the rest of a line: `bench/flow.ts --ops-overhead`).
 */
export function createPinoLogger(options: PinoLoggerOptions = {}): Logger {
  const base = pino(
    {
      level: options.level ?? 'info',
      formatters: { level: (label) => ({ level: label }), log: censorFields },
    },
    options.destination ?? pino.destination(1),
  );
  const write = (level: LogLevel) => (message: string, fields?: LogFields) =>
    fields ? base[level](fields, message) : base[level](message);
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
