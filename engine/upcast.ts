import { SCHEMA_VERSION, SessionEvent } from './events.js';

/** Event types renamed since schema version 1. */
const RENAMED_SINCE_V1: Readonly<Record<string, string>> = { CNonceIssued: 'CNonceBound' };

/**
 * Schema version 1 (stored until this release): one flat object, `{v: 1, id, sessionId, at,
 * type, ...facts}`, and the c_nonce binding was called `CNonceIssued`. Version 2 is the
 * envelope: `{type, data, meta: {v: 2, id, sessionId, at}}`.
 */
function fromV1(raw: Record<string, unknown>): unknown {
  const { v: _, id, sessionId, at, type, ...data } = raw;
  const name = typeof type === 'string' ? (RENAMED_SINCE_V1[type] ?? type) : type;
  return { type: name, data, meta: { v: SCHEMA_VERSION, id, sessionId, at } };
}

/** A stored record in the current shape: older versions are rewritten, step by step, before the schema judges them. */
export function upcast(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const record = raw as Record<string, unknown>;
  return record.v === 1 && !('meta' in record) ? fromV1(record) : raw;
}

/** Parse an event read back from a store (any schema version); throws on a record that is not a valid fact. */
export function parseEvent(raw: unknown): SessionEvent {
  return SessionEvent.parse(upcast(raw));
}
