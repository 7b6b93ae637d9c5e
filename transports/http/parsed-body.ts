import { BodyTooLarge } from './http-edge.js';

/** What a host's body parser left on the request (Express's `express.json()`, `express.urlencoded()`, `express.text()`, `express.raw()`). */
export interface ParsedBody {
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export class UnrebuildableBody extends Error {}

const FORM = 'application/x-www-form-urlencoded';

function mediaTypeOf(request: ParsedBody): string | undefined {
  const type = request.headers['content-type'];
  return (Array.isArray(type) ? type[0] : type)?.split(';')[0]?.trim().toLowerCase();
}

/** RFC 6838 §4.2.8: `application/json` and every `+json` type. */
function isJson(type: string | undefined): boolean {
  return type === 'application/json' || (type?.startsWith('application/') === true && type.endsWith('+json'));
}

/**
 * A parsed form back to its text. A parameter the parser turned into an array (it was sent more than
 * once) comes back once per value, so the form reader still refuses it (RFC 6749 §3.1: parameters
 * MUST NOT be included more than once). Nested values (`qs`'s `a[b]=c`) have no faithful text: refused.
 */
function formText(parsed: unknown): string {
  if (typeof parsed !== 'object' || parsed === null) throw new UnrebuildableBody();
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(parsed)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const one of values) {
      if (typeof one !== 'string') throw new UnrebuildableBody();
      form.append(name, one);
    }
  }
  return form.toString();
}

/**
 * The body text of a request whose stream a host's parser already consumed, rebuilt from what
 * it parsed: text and raw bytes as they were, a JSON value serialised again, a form as its text;
 * within `limit` bytes (seed rule: size limit on bodies). Any other parsed shape is refused.
 */
export function rebuiltBody(request: ParsedBody, limit: number): string {
  const { body } = request;
  const type = mediaTypeOf(request);
  let text: string;
  if (body === undefined) text = '';
  else if (typeof body === 'string') text = body;
  else if (Buffer.isBuffer(body)) text = body.toString('utf8');
  else if (isJson(type)) text = JSON.stringify(body);
  else if (type === FORM) text = formText(body);
  else throw new UnrebuildableBody();
  if (Buffer.byteLength(text, 'utf8') > limit) throw new BodyTooLarge();
  return text;
}
