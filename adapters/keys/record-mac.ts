import { createHmac, timingSafeEqual } from 'node:crypto';

/** A stored record failed its authentication: it was not written by an engine holding the master secret. */
export class TamperedRecord extends Error {}

/**
 * Authenticates what the engine stores on a shared bus (JetStream messages and KV entries):
 * HMAC-SHA256 under a key derived from the master secret, over a context naming what the
 * record is and where it lives (so a genuine record cannot be moved to another key or
 * subject) and the payload. Rule 3: every stored record the engine relies on is authenticated.
 */
export class RecordMac {
  constructor(private readonly key: Uint8Array) {}

  tag(context: string, payload: string | Uint8Array): string {
    return createHmac('sha256', this.key).update(context).update('\0').update(payload).digest('base64url');
  }

  verify(context: string, payload: string | Uint8Array, tag: string | undefined): boolean {
    if (tag === undefined) return false;
    const expected = Buffer.from(this.tag(context, payload));
    const given = Buffer.from(tag);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** `text` with its tag in front, for stores that hold one string per entry. */
  sign(context: string, text: string): string {
    return `${this.tag(context, text)}.${text}`;
  }

  /** The text of a signed entry; throws `TamperedRecord` if its tag does not match. */
  open(context: string, signed: string): string {
    const dot = signed.indexOf('.');
    const text = signed.slice(dot + 1);
    if (dot < 0 || !this.verify(context, text, signed.slice(0, dot)))
      throw new TamperedRecord(`${context.split('\n')[0]}: a stored entry fails its authentication`);
    return text;
  }
}
