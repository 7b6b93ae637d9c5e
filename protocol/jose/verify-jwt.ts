import {
  decodeProtectedHeader,
  compactVerify,
  UnsecuredJWT,
  type JWK,
  type JWTClaimVerificationOptions,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import type { EngineError } from '../../engine/index.js';
import { PRIVATE_JWK_MEMBERS, type PublicKeyImports } from './key-cache.js';

type Refuse = (cause?: unknown) => EngineError;

/**
 * The ways a JWT is refused, each mapped by its verifier to its protocol error and requirement:
 * `malformed` (not a compact JWS with a JSON claims set), `typ`, `alg` (not in the allow-list),
 * `invalid` (no key verifies the signature, and every refusal without an entry of its own);
 * optionally `jwk` (an embedded key missing or with private members), `key` (an embedded key that
 * cannot be imported: RSA limits, unknown curve) and, by claim name, jose's claim checks (`iat`,
 * `exp`, `nbf`, `aud`, a required claim that is missing).
 */
export type Refusals = Record<'malformed' | 'typ' | 'alg' | 'invalid', Refuse> & Partial<Record<string, Refuse>>;

/** What a verifier accepts, in jose's `jwtVerify` terms. */
export interface JwtProfile {
  /** The `typ` header, compared exactly (one of them when several are allowed). */
  typ: string | readonly string[];
  algorithms: readonly string[];
  audience?: string;
  requiredClaims?: readonly string[];
  /** Seconds an `iat` may lie in the past beyond `clockTolerance`; an `iat` is then required. */
  maxTokenAge?: number;
  /** Seconds of clock skew for `iat` (future), `exp` and `nbf`. */
  clockTolerance?: number;
}

export interface VerifyOptions {
  /** `embedded`: the key is the header's `jwk` (DPoP, key proofs); otherwise the local key set, tried in turn. */
  keys: 'embedded' | readonly JWK[];
  now: number;
  /** The issuer's cache of imported public keys (RSA limits and private-member refusal apply to every key). */
  keyImports: PublicKeyImports;
  refuse: Refusals;
  /** Checks of the caller that cost nothing, run on the decoded header and claims before any key is used. */
  inspect?: { header?: (header: ProtectedHeaderParameters) => void; claims?: (payload: JWTPayload) => void };
}

export interface VerifiedJwt {
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
  /** The key that verified the signature. */
  key: JWK;
}

/** The protected header of an unsecured JWT: the claims set is validated by jose without a signature. */
const UNSECURED_HEADER = Buffer.from('{"alg":"none"}').toString('base64url');

function claimOptions(profile: JwtProfile, now: number): JWTClaimVerificationOptions {
  return {
    currentDate: new Date(now),
    ...(profile.audience !== undefined && { audience: profile.audience }),
    ...(profile.requiredClaims && { requiredClaims: [...profile.requiredClaims] }),
    ...(profile.maxTokenAge !== undefined && { maxTokenAge: profile.maxTokenAge }),
    ...(profile.clockTolerance !== undefined && { clockTolerance: profile.clockTolerance }),
  };
}

/** jose's error, by its `code` (and, for a claim check, by the claim), as the verifier's protocol error with the cause kept. */
function refusal(refuse: Refusals, cause: unknown): EngineError {
  const { code, claim } = (cause ?? {}) as { code?: string; claim?: string };
  const failure =
    code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' || code === 'ERR_JWT_EXPIRED'
      ? claim
      : code === 'ERR_JWT_INVALID' || code === 'ERR_JWS_INVALID'
        ? 'malformed'
        : code === 'ERR_JOSE_ALG_NOT_ALLOWED'
          ? 'alg'
          : 'invalid';
  return (failure !== undefined && Object.hasOwn(refuse, failure) ? refuse[failure]! : refuse.invalid)(cause);
}

/** The header's `jwk`, which must be a public key. */
function embeddedJwk(header: ProtectedHeaderParameters, refuse: Refusals): JWK {
  const jwk = header.jwk;
  if (!jwk || typeof jwk !== 'object' || PRIVATE_JWK_MEMBERS.some((member) => member in jwk))
    throw (refuse.jwk ?? refuse.invalid)();
  return jwk;
}

/**
 * Verify a compact JWT with jose: typ, the algorithm allow-list, the caller's header checks, jose's
 * claim checks (`maxTokenAge`, `clockTolerance`, `requiredClaims`, `audience`) and the caller's
 * claims checks all come before any signature work (issue 10 §4, RFC 9449 §11.1: a forged or stale JWT costs no
 * verification), the claims through `UnsecuredJWT.decode`, which runs exactly `jwtVerify`'s claim
 * validation; the signature is then checked once (`compactVerify`), without parsing and validating
 * the same claims a second time. Every refusal is the verifier's protocol error, with
 * jose's error as its `cause`.
 */
export async function verifyJwt(jwt: string, profile: JwtProfile, options: VerifyOptions): Promise<VerifiedJwt> {
  const { refuse } = options;
  const parts = jwt.split('.');
  let header: ProtectedHeaderParameters;
  let payload: JWTPayload;
  try {
    if (parts.length !== 3) throw new TypeError('a compact JWS has three parts');
    header = decodeProtectedHeader(jwt);
  } catch (cause) {
    throw refuse.malformed(cause);
  }
  const typs: readonly string[] = typeof profile.typ === 'string' ? [profile.typ] : profile.typ;
  if (typeof header.typ !== 'string' || !typs.includes(header.typ)) throw refuse.typ();
  const alg = header.alg;
  if (typeof alg !== 'string' || !profile.algorithms.includes(alg)) throw refuse.alg();
  options.inspect?.header?.(header);
  const embedded = options.keys === 'embedded' ? embeddedJwk(header, refuse) : undefined;
  const claims = claimOptions(profile, options.now);
  try {
    ({ payload } = UnsecuredJWT.decode(`${UNSECURED_HEADER}.${parts[1]}.`, claims));
  } catch (cause) {
    throw refusal(refuse, cause);
  }
  options.inspect?.claims?.(payload);
  const algorithms = { algorithms: [...profile.algorithms] };
  let failure: unknown;
  for (const jwk of embedded ? [embedded] : (options.keys as readonly JWK[])) {
    let key: CryptoKey;
    try {
      key = await options.keyImports.import(jwk, alg);
    } catch (cause) {
      // An embedded key that cannot be used refuses the JWT; a key of the local set that cannot (another type, RSA limits) is skipped.
      if (embedded) throw (refuse.key ?? refuse.invalid)(cause);
      continue;
    }
    try {
      await compactVerify(jwt, key, algorithms);
      return { header, payload, key: jwk };
    } catch (cause) {
      failure = cause;
    }
  }
  throw refusal(refuse, failure);
}

/**
 * The last instant (epoch ms, exclusive) at which a JWT with this `iat` is still accepted under
 * `profile` (jose compares whole seconds): how long a replay cache must remember its `jti`.
 */
export function acceptedUntil(iat: number, profile: JwtProfile): number {
  return (Math.floor(iat) + (profile.maxTokenAge ?? 0) + (profile.clockTolerance ?? 0) + 1) * 1000;
}
