import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, type JWK, type ProtectedHeaderParameters } from 'jose';
import { KB_JWT_ALGORITHMS, SD_JWT_ALGORITHMS } from '../capabilities.js';
import { jwkThumbprint } from '../jose/thumbprint.js';
import { verifyJwt, type JwtProfile, type Refusals } from '../jose/verify-jwt.js';
import { withCause } from '../jose/with-cause.js';
import { applyDisclosures } from './disclosures.js';
import type { PublicKeyImports } from '../jose/key-cache.js';
import type { VerifiedJwts } from './verified-jwts.js';
import { InvalidRequest } from '../../engine/index.js';
import type { TrustedIssuers } from '../../adapters/trust/trusted-issuers.js';
import { X509ChainRefused } from '../../adapters/trust/x509-chain.js';

export interface VerifiedPresentation {
  issuer: string;
  vct: string;
  holderJwk: JWK;
  holderJkt: string;
  /** What the key-binding JWT says; the engine compares them with the request (P-41). */
  kbNonce: string;
  kbAud: string;
  /** The user claims, disclosed or always visible. */
  claims: Record<string, unknown>;
  /** base64url SHA-256 of the issuer-signed JWT: identifies the presented credential without keeping it. */
  credentialDigest: string;
}

export interface PresentationPolicy {
  trustedIssuers: TrustedIssuers;
  acceptedVcts: string[];
  requiredClaims: string[];
  now: number;
  /** From policy, never from what the wallet sent (OpenID4VP §14.1). */
  requireKeyBinding: boolean;
  /** A PID without `exp` is refused unless this is set (SD-JWT VC §3.2.2.2: a PID's validity must be bounded). */
  allowWithoutExp?: boolean;
  /** Allowed clock skew for `nbf`, `exp` and `iat` of the PID and the key-binding JWT (RFC 7519 §4.1.4, §4.1.5). */
  clockToleranceSeconds?: number;
  keyImports: PublicKeyImports;
  /** PIDs already verified (one cache per issuer): a wallet presents the same one again and again. */
  verifiedJwts: VerifiedJwts;
  /** E-50, V-20: refuses a PID whose status does not allow it (run on every presentation, cached or not). */
  checkStatus: (issuer: string, payload: Record<string, unknown>) => Promise<void>;
}

const RESERVED = ['iss', 'vct', 'iat', 'exp', 'nbf', 'cnf', 'status', 'sub', '_sd', '_sd_alg', 'vct#integrity'];
const sha256 = (text: string) => createHash('sha256').update(text, 'ascii').digest('base64url');

const DEFAULT_TOLERANCE = 30;
const MAX_KB_AGE_SECONDS = 300;

function fail(description: string, rule: string): never {
  throw new InvalidRequest(description, rule);
}

const refusal = (description: string, rule: string) => (cause?: unknown) =>
  withCause(new InvalidRequest(description, rule), cause);

const untrustedCredential = refusal(
  'the credential is not signed by a trusted issuer, is expired or has no expiry',
  'CF-10; E-30; SD-JWT §7.1; SD-JWT VC §3.2.2.2',
);
const ISSUER_REFUSALS: Refusals = {
  malformed: untrustedCredential,
  typ: untrustedCredential,
  alg: untrustedCredential,
  invalid: untrustedCredential,
};

/** SD-JWT VC §3.2.2.2: the issuer-signed JWT, `exp` required unless the policy allows a PID without (RFC 7519 §4.1.4, §4.1.5 within the tolerance). */
function issuerProfile(policy: PresentationPolicy): JwtProfile {
  return {
    typ: ['dc+sd-jwt', 'vc+sd-jwt'],
    algorithms: SD_JWT_ALGORITHMS,
    clockTolerance: policy.clockToleranceSeconds ?? DEFAULT_TOLERANCE,
    ...(!policy.allowWithoutExp && { requiredClaims: ['exp'] }),
  };
}

const notHolderSigned = refusal('the key-binding JWT is not signed by the credential holder key', 'CF-21; SD-JWT §7.3');
const KB_REFUSALS: Refusals = {
  malformed: notHolderSigned,
  typ: notHolderSigned,
  alg: notHolderSigned,
  invalid: notHolderSigned,
  iat: refusal('the key-binding JWT iat is not fresh', 'SD-JWT §7.3'),
};

/** SD-JWT §7.3: the KB-JWT, its iat at most 5 minutes old and no further ahead than the clock tolerance. */
function keyBindingProfile(policy: PresentationPolicy): JwtProfile {
  const tolerance = policy.clockToleranceSeconds ?? DEFAULT_TOLERANCE;
  return {
    typ: 'kb+jwt',
    algorithms: KB_JWT_ALGORITHMS,
    maxTokenAge: Math.max(0, MAX_KB_AGE_SECONDS - tolerance),
    clockTolerance: tolerance,
  };
}

/** The keys the issuer may have signed with; an `x5c` chain that fails names the failing step (E-30; SD-JWT VC §3.5). */
async function issuerKeys(issuer: string, header: ProtectedHeaderParameters, policy: PresentationPolicy) {
  try {
    return await policy.trustedIssuers.keysFor(issuer, { header, now: policy.now });
  } catch (error) {
    if (!(error instanceof X509ChainRefused)) throw error;
    throw withCause(
      new InvalidRequest(`the credential’s ${error.message}`, 'E-30; SD-JWT VC §3.5; RFC 5280 §6.1'),
      error,
    );
  }
}

/** The issuer-signed part and its disclosures: signature by a trusted issuer (CF-10, E-30), integrity (CF-20). */
async function verifyIssuerSigned(issuerJwt: string, encodedDisclosures: string[], policy: PresentationPolicy) {
  let issuer: unknown;
  let header: ProtectedHeaderParameters;
  try {
    issuer = decodeJwt(issuerJwt).iss;
    header = decodeProtectedHeader(issuerJwt);
  } catch {
    fail('the credential is not a JWT', 'SD-JWT §4');
  }
  if (typeof issuer !== 'string') fail('the credential names no issuer', 'SD-JWT VC §3.2.2.2');
  const keys = await issuerKeys(issuer, header, policy);
  const jwtDigest = sha256(issuerJwt);
  let payload = policy.verifiedJwts.lookup(jwtDigest, keys, policy.now);
  if (!payload) {
    const verified = await verifyJwt(issuerJwt, issuerProfile(policy), {
      keys,
      now: policy.now,
      keyImports: policy.keyImports,
      refuse: ISSUER_REFUSALS,
    });
    policy.verifiedJwts.remember(jwtDigest, verified.key, verified.payload);
    payload = verified.payload;
  }
  // RFC 7519 §4.1.6: a credential issued in the future (beyond the clock tolerance) is refused.
  if (
    typeof payload.iat === 'number' &&
    payload.iat > policy.now / 1000 + (policy.clockToleranceSeconds ?? DEFAULT_TOLERANCE)
  )
    fail('the credential is issued in the future', 'SD-JWT VC §3.2.2.2; RFC 7519 §4.1.6');
  if (payload._sd_alg !== undefined && payload._sd_alg !== 'sha-256') fail('unsupported _sd_alg', 'SD-JWT §4.1.1');
  await policy.checkStatus(issuer, payload);
  return { issuer, payload, claims: applyDisclosures(payload as Record<string, unknown>, encodedDisclosures) };
}

/** The key-binding JWT (CF-21, OpenID4VP App. B.3): signed by cnf.jwk, fresh, over this very presentation. */
async function verifyKeyBinding(kbJwt: string, holderJwk: JWK, presented: string, policy: PresentationPolicy) {
  const { payload: kb } = await verifyJwt(kbJwt, keyBindingProfile(policy), {
    keys: [holderJwk],
    now: policy.now,
    keyImports: policy.keyImports,
    refuse: KB_REFUSALS,
  });
  if (typeof kb.nonce !== 'string' || typeof kb.aud !== 'string')
    fail('the key-binding JWT lacks nonce or aud', 'SD-JWT §4.3');
  if (kb.sd_hash !== sha256(presented))
    fail('the key-binding JWT sd_hash does not match the presentation', 'SD-JWT §4.3.1');
  return { kbNonce: kb.nonce, kbAud: kb.aud };
}

/** Verify an SD-JWT VC presentation (SD-JWT §7.1, §7.3; SD-JWT VC; OpenID4VP App. B.3). */
export async function verifyPresentation(
  presentation: string,
  policy: PresentationPolicy,
): Promise<VerifiedPresentation> {
  if (presentation.length > 32_768 || !presentation.includes('~'))
    fail('the presentation is not an SD-JWT', 'SD-JWT §4');
  const parts = presentation.split('~');
  const issuerJwt = parts[0]!;
  const kbJwt = parts.at(-1)!;
  const presented = presentation.slice(0, presentation.length - kbJwt.length);
  // SD-JWT §4: disclosures sit between single tildes; an empty one (`~~`) is refused, not skipped.
  const { issuer, payload, claims } = await verifyIssuerSigned(issuerJwt, parts.slice(1, -1), policy);
  const vct = payload.vct;
  if (typeof vct !== 'string' || !policy.acceptedVcts.includes(vct))
    fail('the credential type is not the one requested', 'SD-JWT VC §3.2.2.2; OpenID4VP §6');
  const missing = policy.requiredClaims.find((name) => claims[name] === undefined);
  if (missing) fail(`the presentation does not disclose ${missing}`, 'OpenID4VP §6.4');
  const holderJwk = (payload.cnf as { jwk?: JWK } | undefined)?.jwk;
  if (!holderJwk || typeof holderJwk !== 'object') fail('the credential has no holder key', 'SD-JWT VC §3.2.2.2 (cnf)');
  if (policy.requireKeyBinding && !kbJwt) fail('a key-binding JWT is required', 'CF-21; OpenID4VP §14.1');
  const binding = kbJwt ? await verifyKeyBinding(kbJwt, holderJwk, presented, policy) : { kbNonce: '', kbAud: '' };
  let holderJkt: string;
  try {
    holderJkt = jwkThumbprint(holderJwk);
  } catch {
    fail('the credential holder key is malformed', 'SD-JWT VC §3.2.2.2 (cnf)');
  }
  const userClaims = Object.fromEntries(Object.entries(claims).filter(([name]) => !RESERVED.includes(name)));
  return { issuer, vct, holderJwk, holderJkt, ...binding, claims: userClaims, credentialDigest: sha256(issuerJwt) };
}
