import { createHash } from 'node:crypto';
import { InvalidRequest } from '../../engine/index.js';

/** One decoded disclosure: an object property `[salt, name, value]` or an array element `[salt, value]`. */
interface Disclosure {
  name?: string;
  value: unknown;
}

const RULE = 'CF-20; SD-JWT §7.1';
/** SD-JWT VC §3.2.2.2: claims that must be in the clear, never selectively disclosed. */
const NEVER_DISCLOSED = new Set(['iss', 'nbf', 'exp', 'cnf', 'vct', 'vct#integrity', 'status']);
/** Nesting of recursive disclosures and objects that a PID needs, with room to spare. */
const MAX_DEPTH = 32;

function fail(description: string): never {
  throw new InvalidRequest(description, RULE);
}

function decode(encoded: string): Disclosure {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    fail('a disclosure is malformed');
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || (parsed.length !== 2 && parsed.length !== 3))
    fail('a disclosure is malformed');
  if (parsed.length === 2) return { value: parsed[1] };
  const name = parsed[1];
  if (typeof name !== 'string') fail('a disclosure is malformed');
  // SD-JWT §7.1 step 3.2.2: `_sd` and `...` are never claim names.
  if (name === '_sd' || name === '...') fail('a disclosure uses a reserved claim name');
  return { name, value: parsed[2] };
}

/**
 * The claims of an SD-JWT's signed payload with its disclosures applied, as SD-JWT §7.1
 * steps 3–5 require: every disclosure is referenced exactly once (from the payload or,
 * recursively, from another disclosed value); no digest appears twice; an object-property
 * disclosure is only referenced from `_sd` and an array-element one only as `{"...": digest}`;
 * a disclosed name never clashes with a clear claim at its level; digests with no
 * disclosure are decoys and vanish. Anything else refuses the presentation.
 */
export function applyDisclosures(
  payload: Record<string, unknown>,
  encodedDisclosures: string[],
): Record<string, unknown> {
  const byDigest = new Map<string, Disclosure>();
  for (const encoded of encodedDisclosures) {
    if (encoded.length === 0) fail('the presentation has an empty disclosure');
    const digest = createHash('sha256').update(encoded, 'ascii').digest('base64url');
    if (byDigest.has(digest)) fail('a disclosure is presented twice');
    byDigest.set(digest, decode(encoded));
  }
  const seen = new Set<string>();
  const used = new Set<string>();
  const reference = (digest: unknown): Disclosure | undefined => {
    if (typeof digest !== 'string') fail('a digest is not a string');
    if (seen.has(digest)) fail('a digest is listed twice');
    seen.add(digest);
    const disclosure = byDigest.get(digest);
    if (disclosure) used.add(digest);
    return disclosure;
  };
  const resolve = (value: unknown, depth: number): unknown => {
    if (depth > MAX_DEPTH) fail('the credential nests too deeply');
    if (Array.isArray(value)) return resolveArray(value, depth);
    if (value && typeof value === 'object') return resolveObject(value as Record<string, unknown>, depth);
    return value;
  };
  const resolveArray = (items: unknown[], depth: number): unknown[] => {
    const out: unknown[] = [];
    for (const item of items) {
      const isReference =
        item !== null &&
        typeof item === 'object' &&
        !Array.isArray(item) &&
        Object.keys(item).length === 1 &&
        '...' in item;
      if (!isReference) {
        out.push(resolve(item, depth + 1));
        continue;
      }
      const disclosure = reference((item as { '...': unknown })['...']);
      if (!disclosure) continue;
      if (disclosure.name !== undefined) fail('an object-property disclosure is used as an array element');
      out.push(resolve(disclosure.value, depth + 1));
    }
    return out;
  };
  const resolveObject = (object: Record<string, unknown>, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [name, item] of Object.entries(object)) if (name !== '_sd') out[name] = resolve(item, depth + 1);
    const digests = object._sd;
    if (digests === undefined) return out;
    if (!Array.isArray(digests)) fail('_sd is not an array');
    for (const digest of digests) {
      const disclosure = reference(digest);
      if (!disclosure) continue;
      if (disclosure.name === undefined) fail('an array-element disclosure is referenced from _sd');
      if (depth === 0 && NEVER_DISCLOSED.has(disclosure.name))
        throw new InvalidRequest(`${disclosure.name} must not be selectively disclosed`, 'SD-JWT VC §3.2.2.2');
      // SD-JWT §7.1 step 3.2.2.4: a disclosed claim never replaces a clear (signed) one.
      if (Object.hasOwn(out, disclosure.name)) fail('a disclosed claim clashes with a claim of the credential');
      out[disclosure.name] = resolve(disclosure.value, depth + 1);
    }
    return out;
  };
  const claims = resolveObject(payload, 0);
  // SD-JWT §7.1 step 5: a disclosure the credential never references is refused.
  if (used.size !== byDigest.size) fail('a disclosure is not part of the credential');
  delete claims._sd_alg;
  return { ...claims };
}
