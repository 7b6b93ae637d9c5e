import { SCHEMA_VERSION, SessionEvent } from './events.js';
import { CorruptStream } from './state.js';

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

/**
 * Parse an event read back from a store (any schema version; JSON text or a parsed value). A
 * record that is not JSON or not a valid fact makes its stream `CorruptStream` (rule 4: the
 * session is refused with the spec's error, never a 500), naming the stream and the version.
 */
export function parseEvent(raw: unknown, at: { streamId: string; version: number }): SessionEvent {
  let value: unknown;
  try {
    value = typeof raw === 'string' ? JSON.parse(raw) : raw;
  } catch {
    throw new CorruptStream(at.streamId, at.version, 'a record that is not JSON');
  }
  const parsed = SessionEvent.safeParse(upcast(value));
  if (!parsed.success) throw new CorruptStream(at.streamId, at.version, 'a record that is not a valid event');
  return parsed.data;
}
