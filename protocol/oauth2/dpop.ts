import { createHash } from 'node:crypto';
import type { JWK, JWTPayload } from 'jose';
import { InvalidDpopProof } from '../../engine/index.js';
import type { ReplayCache } from '../../adapters/stores/ports.js';
import { DPOP_ALGORITHMS } from '../capabilities.js';
import type { PublicKeyImports } from '../jose/key-cache.js';
import { jwkThumbprint } from '../jose/thumbprint.js';
import { acceptedUntil, verifyJwt, type JwtProfile, type Refusals } from '../jose/verify-jwt.js';
import { withCause } from '../jose/with-cause.js';

export interface DpopOptions {
  keyImports: PublicKeyImports;
  method: string;
  url: string;
  now: number;
  replay: ReplayCache;
  /** The access token sent with the proof; its hash must be the proof's `ath` (RFC 9449 §4.3 (11)). */
  accessToken?: string;
  /** How old a proof's iat may be (config `dpop.maxAgeSeconds`, 60 s by default). */
  maxAgeSeconds?: number;
}

/** §11.1: how far a proof's iat may lie ahead of our clock. */
const MAX_FUTURE_SECONDS = 10;

const fail = (description: string, rule: string) => (cause?: unknown) =>
  withCause(new InvalidDpopProof(description, rule), cause);

const REFUSE: Refusals = {
  // §4.3 (2): a well-formed JWT.
  malformed: fail('the DPoP proof is not a JWT', 'RFC 9449 §4.3 (2)'),
  // §4.3 (4)-(7): typ dpop+jwt, an asymmetric supported alg, a public jwk.
  typ: fail('the DPoP proof typ must be dpop+jwt', 'RFC 9449 §4.3 (4)'),
  alg: fail('the DPoP proof alg is not supported', 'RFC 9449 §4.3 (5)'),
  jwk: fail('the DPoP proof must carry a public jwk', 'RFC 9449 §4.3 (7)'),
  key: fail('the DPoP proof jwk is not an acceptable public key', 'RFC 9449 §4.3 (7); issue 10 §4 (RSA limits)'),
  // §4.3 (10), §11.1: iat within the window.
  iat: fail('the DPoP proof iat is outside the accepted window', 'RFC 9449 §4.3 (10)'),
  invalid: fail('the DPoP proof signature is not valid', 'RFC 9449 §4.3 (6)'),
};

/** §4.3 (10): `iat` no older than `maxAge` and no more than 10 s ahead (less when maxAge is shorter). */
function profileOf(options: DpopOptions): JwtProfile {
  const maxAge = options.maxAgeSeconds ?? 60;
  const tolerance = Math.min(MAX_FUTURE_SECONDS, maxAge);
  return { typ: 'dpop+jwt', algorithms: DPOP_ALGORITHMS, maxTokenAge: maxAge - tolerance, clockTolerance: tolerance };
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

/** §4.3 (8), (9), (11), §4.2: the claims that bind the proof to this request, checked before any signature work. */
function checkClaims(payload: JWTPayload, options: DpopOptions): void {
  if (payload.htm !== options.method) throw fail('the DPoP proof htm does not match', 'RFC 9449 §4.3 (8)')();
  if (!sameUri(payload.htu, options.url)) throw fail('the DPoP proof htu does not match', 'RFC 9449 §4.3 (9)')();
  // §4.3 (11): ath binds the proof to the access token presented with it.
  if (options.accessToken !== undefined) {
    const ath = createHash('sha256').update(options.accessToken).digest('base64url');
    if (payload.ath !== ath) throw fail('the DPoP proof ath does not match the access token', 'RFC 9449 §4.3 (11)')();
  }
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256)
    throw fail('the DPoP proof needs a jti', 'RFC 9449 §4.2')();
}

/**
 * Verify a DPoP proof (RFC 9449 §4.3) and answer the thumbprint of the key it proves.
 *
 * Order (issue 10 §4, RFC 9449 §11.1): every check that costs nothing comes first (typ, alg,
 * the key's shape, the iat window, htm, htu, ath, the jti's form; verify-jwt.ts), so a forged or
 * stale proof never costs a signature verification; then the key's size and the signature; the
 * jti's single use comes last, after the signature, because recording the jti of an unverified
 * proof would let anyone burn the jti of a genuine proof they have seen (and fill the replay cache).
 */
export async function verifyDpopProof(
  proof: string | null | undefined,
  options: DpopOptions,
): Promise<{ jkt: string; jwk: JWK }> {
  // §4.3 (1): exactly one proof.
  if (!proof) throw fail('a DPoP proof is required', 'RFC 9449 §4.3 (1)')();
  if (proof.includes(',') || proof.length > 8192)
    throw fail('exactly one DPoP proof is allowed', 'RFC 9449 §4.3 (1)')();
  const profile = profileOf(options);
  const { payload, key } = await verifyJwt(proof, profile, {
    keys: 'embedded',
    now: options.now,
    keyImports: options.keyImports,
    refuse: REFUSE,
    inspect: { claims: (claims) => checkClaims(claims, options) },
  });
  const jkt = jwkThumbprint(key);
  // §11.1: a jti is accepted once while its proof could be accepted; only after the signature (see above).
  const fresh = await options.replay.useOnce(
    `dpop:${jkt}:${payload.jti}`,
    acceptedUntil(payload.iat as number, profile),
    options.now,
  );
  if (!fresh) throw fail('the DPoP proof was already used', 'RFC 9449 §11.1')();
  return { jkt, jwk: key };
}
