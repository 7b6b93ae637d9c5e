import { createHash } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { InvalidDpopProof } from '../../engine/errors.js';
import type { ReplayCache } from '../replay/replay-cache.js';
import { PRIVATE_JWK_MEMBERS, importPublicJwk } from './key-cache.js';
import { jwkThumbprint } from './thumbprint.js';

export interface DpopOptions {
  method: string;
  url: string;
  now: number;
  replay: ReplayCache;
  /** The access token sent with the proof; its hash must be the proof's `ath` (RFC 9449 §4.3 (11)). */
  accessToken?: string;
  maxAgeSeconds?: number;
  maxFutureSeconds?: number;
  algorithms?: string[];
}

const DEFAULT_ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'PS256'];

function fail(description: string, rule: string): never {
  throw new InvalidDpopProof(description, rule);
}

/** RFC 9449 §4.3 (9): htu compared without query and fragment, scheme and host normalised. */
function sameUri(htu: unknown, url: string): boolean {
  if (typeof htu !== 'string') return false;
  try {
    const a = new URL(htu);
    const b = new URL(url);
    return a.origin === b.origin && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

/** Verify a DPoP proof (RFC 9449 §4.3) and answer the thumbprint of the key it proves. */
export async function verifyDpopProof(proof: string | null | undefined, options: DpopOptions): Promise<{ jkt: string; jwk: JWK }> {
  // §4.3 (1)-(2): exactly one proof, a well-formed JWT.
  if (!proof) fail('a DPoP proof is required', 'RFC 9449 §4.3 (1)');
  if (proof.includes(',') || proof.length > 8192) fail('exactly one DPoP proof is allowed', 'RFC 9449 §4.3 (1)');
  let header;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    fail('the DPoP proof is not a JWT', 'RFC 9449 §4.3 (2)');
  }
  const algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
  // §4.3 (4)-(7): typ dpop+jwt, an asymmetric supported alg, a public jwk.
  if (header.typ !== 'dpop+jwt') fail('the DPoP proof typ must be dpop+jwt', 'RFC 9449 §4.3 (4)');
  if (!header.alg || !algorithms.includes(header.alg)) fail('the DPoP proof alg is not supported', 'RFC 9449 §4.3 (5)');
  const jwk = header.jwk;
  if (!jwk || typeof jwk !== 'object') fail('the DPoP proof carries no jwk', 'RFC 9449 §4.3 (7)');
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) fail('the DPoP proof jwk must be a public key', 'RFC 9449 §4.3 (7)');
  let payload;
  try {
    ({ payload } = await jwtVerify(proof, await importPublicJwk(jwk, header.alg), { algorithms, typ: 'dpop+jwt', currentDate: new Date(options.now) }));
  } catch {
    fail('the DPoP proof signature is not valid', 'RFC 9449 §4.3 (6)');
  }
  // §4.3 (8)-(9): the proof is for this request.
  if (payload.htm !== options.method) fail('the DPoP proof htm does not match', 'RFC 9449 §4.3 (8)');
  if (!sameUri(payload.htu, options.url)) fail('the DPoP proof htu does not match', 'RFC 9449 §4.3 (9)');
  // §4.3 (11): ath binds the proof to the access token presented with it.
  if (options.accessToken !== undefined) {
    const ath = createHash('sha256').update(options.accessToken).digest('base64url');
    if (payload.ath !== ath) fail('the DPoP proof ath does not match the access token', 'RFC 9449 §4.3 (11)');
  }
  // §4.3 (10), §11.1: iat within the window.
  const nowSeconds = options.now / 1000;
  const maxAge = options.maxAgeSeconds ?? 60;
  if (typeof payload.iat !== 'number' || payload.iat < nowSeconds - maxAge || payload.iat > nowSeconds + (options.maxFutureSeconds ?? 10))
    fail('the DPoP proof iat is outside the accepted window', 'RFC 9449 §4.3 (10)');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) fail('the DPoP proof needs a jti', 'RFC 9449 §4.2');
  const jkt = jwkThumbprint(jwk);
  // §11.1: a jti is accepted once while its proof could be accepted; checked last so garbage cannot fill the cache.
  const fresh = await options.replay.useOnce(`dpop:${jkt}:${payload.jti}`, (payload.iat + maxAge) * 1000 + 1, options.now);
  if (!fresh) fail('the DPoP proof was already used', 'RFC 9449 §11.1');
  return { jkt, jwk };
}
