/**
 * The protocol error with the library's error kept as its `cause` (ES2022 error cause), for the
 * log; the wire shows only the protocol error's code and description.
 */
export function withCause<E extends Error>(error: E, cause: unknown): E {
  if (cause !== undefined) error.cause = cause;
  return error;
}
