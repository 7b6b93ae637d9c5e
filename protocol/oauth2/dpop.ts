import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { InvalidDpopProof } from '../../engine/errors.js';
import type { ReplayCache } from '../../adapters/stores/ports.js';
import { PRIVATE_JWK_MEMBERS, type PublicKeyImports } from '../jose/key-cache.js';
import { jwkThumbprint } from '../jose/thumbprint.js';

export interface DpopOptions {
  method: string;
  url: string;
  now: number;
  replay: ReplayCache;
  keyImports: PublicKeyImports;
  /** The access token sent with the proof; its hash must be the proof's `ath` (RFC 9449 §4.3 (11)). */
  accessToken?: string;
  maxAgeSeconds?: number;
  maxFutureSeconds?: number;
  algorithms?: string[];
}

/** The DPoP algorithms the server accepts: advertised in `dpop_signing_alg_values_supported` and in every DPoP challenge's `algs`. */
export const DPOP_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'EdDSA', 'PS256'];

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

/** §4.3 (8)-(11): the claims that bind the proof to this request and this moment, checked before any signature work. */
function checkClaims(payload: JWTPayload, options: DpopOptions, maxAge: number): void {
  if (payload.htm !== options.method) fail('the DPoP proof htm does not match', 'RFC 9449 §4.3 (8)');
  if (!sameUri(payload.htu, options.url)) fail('the DPoP proof htu does not match', 'RFC 9449 §4.3 (9)');
  // §4.3 (11): ath binds the proof to the access token presented with it.
  if (options.accessToken !== undefined) {
    const ath = createHash('sha256').update(options.accessToken).digest('base64url');
    if (payload.ath !== ath) fail('the DPoP proof ath does not match the access token', 'RFC 9449 §4.3 (11)');
  }
  // §4.3 (10), §11.1: iat within the window.
  const nowSeconds = options.now / 1000;
  if (
    typeof payload.iat !== 'number' ||
    payload.iat < nowSeconds - maxAge ||
    payload.iat > nowSeconds + (options.maxFutureSeconds ?? 10)
  )
    fail('the DPoP proof iat is outside the accepted window', 'RFC 9449 §4.3 (10)');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256)
    fail('the DPoP proof needs a jti', 'RFC 9449 §4.2');
}

/**
 * Verify a DPoP proof (RFC 9449 §4.3) and answer the thumbprint of the key it proves.
 *
 * Order (issue 10 §4, RFC 9449 §11.1): every check that costs nothing comes first (typ, alg,
 * the key's shape and size, htm, htu, ath, the iat window, the jti's form), so a forged or stale
 * proof never costs a signature verification; then the signature; the jti's single use comes
 * last, after the signature, because recording the jti of an unverified proof would let anyone
 * burn the jti of a genuine proof they have seen (and fill the replay cache with garbage).
 */
export async function verifyDpopProof(
  proof: string | null | undefined,
  options: DpopOptions,
): Promise<{ jkt: string; jwk: JWK }> {
  // §4.3 (1)-(2): exactly one proof, a well-formed JWT.
  if (!proof) fail('a DPoP proof is required', 'RFC 9449 §4.3 (1)');
  if (proof.includes(',') || proof.length > 8192) fail('exactly one DPoP proof is allowed', 'RFC 9449 §4.3 (1)');
  let header;
  let claims;
  try {
    header = decodeProtectedHeader(proof);
    claims = decodeJwt(proof);
  } catch {
    fail('the DPoP proof is not a JWT', 'RFC 9449 §4.3 (2)');
  }
  const algorithms = options.algorithms ?? [...DPOP_ALGORITHMS];
  // §4.3 (4)-(7): typ dpop+jwt, an asymmetric supported alg, a public jwk.
  if (header.typ !== 'dpop+jwt') fail('the DPoP proof typ must be dpop+jwt', 'RFC 9449 §4.3 (4)');
  if (!header.alg || !algorithms.includes(header.alg)) fail('the DPoP proof alg is not supported', 'RFC 9449 §4.3 (5)');
  const jwk = header.jwk;
  if (!jwk || typeof jwk !== 'object') fail('the DPoP proof carries no jwk', 'RFC 9449 §4.3 (7)');
  if (PRIVATE_JWK_MEMBERS.some((member) => member in jwk))
    fail('the DPoP proof jwk must be a public key', 'RFC 9449 §4.3 (7)');
  const maxAge = options.maxAgeSeconds ?? 60;
  checkClaims(claims, options, maxAge);
  let key;
  try {
    key = await options.keyImports.import(jwk, header.alg);
  } catch {
    fail('the DPoP proof jwk is not an acceptable public key', 'RFC 9449 §4.3 (7); issue 10 §4 (RSA limits)');
  }
  let payload;
  try {
    ({ payload } = await jwtVerify(proof, key, { algorithms, typ: 'dpop+jwt', currentDate: new Date(options.now) }));
  } catch {
    fail('the DPoP proof signature is not valid', 'RFC 9449 §4.3 (6)');
  }
  const jkt = jwkThumbprint(jwk);
  // §11.1: a jti is accepted once while its proof could be accepted; only after the signature (see above).
  const fresh = await options.replay.useOnce(
    `dpop:${jkt}:${payload.jti}`,
    ((payload.iat as number) + maxAge) * 1000 + 1,
    options.now,
  );
  if (!fresh) fail('the DPoP proof was already used', 'RFC 9449 §11.1');
  return { jkt, jwk };
}
