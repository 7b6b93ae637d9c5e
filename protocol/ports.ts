/** The small ports every handler gets through the context, besides the stores, keys and trust (adapters/). */

/** Epoch milliseconds; tests and hosts inject their own. */
export type Clock = () => number;

/**
 * The random values the issuer generates. Their formats are protocol rules (protocol/handles.ts:
 * a handle is `<sessionId>.<secret>`), so an implementation must keep them: `sessionId` 16–64
 * base64url characters, `secret` 256 bits as 43 base64url characters, `eventId` unique.
 */
export interface Ids {
  sessionId(): string;
  eventId(): string;
  secret(): string;
  /** A uniformly random integer in [0, bound): a status list index (I-30, herd privacy). */
  index(bound: number): number;
}

/** Structured fields of a log entry: identifiers and facts, never personal data, tokens or secrets. */
export type LogFields = Record<string, unknown>;

/** Where the issuer reports what operators need to know (issue 12 chooses a logging library behind it). */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
