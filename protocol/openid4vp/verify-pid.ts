import type { CarriedPresentation, SessionContext } from '../../engine/index.js';
import type { IssuerContext } from '../issuer-context.js';
import { pidRequirements, requiredClaims } from './pid-requirements.js';
import { verifyPresentation } from './sd-jwt-presentation.js';

/** What the engine is told of a verified PID presentation: facts for its rules, the claims sealed. */
export type VerifiedPidFacts = Omit<CarriedPresentation, 'requestId'>;

/**
 * The one verification path of every dialect (issue 13 §1): the SD-JWT VC from a trusted issuer
 * with the claims the session's configurations need, and its key-binding JWT, whose nonce and
 * audience the engine then compares with the session's request (P-41, CF-21).
 */
export async function verifyPidPresentation(
  ctx: IssuerContext,
  session: SessionContext,
  presentation: string,
  now: number,
): Promise<VerifiedPidFacts> {
  const needed = pidRequirements(ctx.config.credentialConfigurations, session.credentialConfigurationIds);
  const verified = await verifyPresentation(presentation, {
    trustedIssuers: ctx.trustedIssuers,
    acceptedVcts: needed.vctValues,
    requiredClaims: needed.claims,
    now,
    keyImports: ctx.keyImports,
    verifiedJwts: ctx.verifiedJwts,
    // P-41, CF-21: the engine binds the presentation through the key-binding JWT's nonce and aud, so it is always required.
    requireKeyBinding: true,
    allowWithoutExp: ctx.config.verifier.allowPidWithoutExp,
    clockToleranceSeconds: ctx.config.verifier.clockToleranceSeconds,
    checkStatus: (issuer, payload) => ctx.pidStatus.check(issuer, payload),
  });
  return {
    holderJkt: verified.holderJkt,
    kbNonce: verified.kbNonce,
    kbAud: verified.kbAud,
    credentialDigest: verified.credentialDigest,
    vct: verified.vct,
    credentialIssuer: verified.issuer,
    sealedClaims: await ctx.sealer.seal(session.sessionId, requiredClaims(needed, verified.claims), false),
  };
}
