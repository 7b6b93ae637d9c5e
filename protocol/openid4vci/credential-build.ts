import type { ClaimSealer } from '../../adapters/keys/claim-sealer.js';
import type { JwsSigner } from '../../adapters/keys/ports.js';
import type { CredentialConfiguration } from '../../config/schema.js';
import { CredentialRequestDenied, credentialClaims, type SessionContext } from '../../engine/index.js';
import { issueSdJwtVc } from './sd-jwt-vc.js';
import type { StatusClaim } from '../status-list/issued-status.js';

/**
 * The credentials of one credential response, one per holder key (OpenID4VCI §8.3): unseals
 * the claims the session's presentation proved, selects the credential's (I-20:
 * `credentialClaims`) and signs an SD-JWT VC bound to each key, each with a status entry of its
 * own (I-30; W-70/CF-40: a batch's credentials share nothing but their claims). Erased claims are refused.
 */
export async function buildCredentials(input: {
  sealer: ClaimSealer;
  signingKey: JwsSigner;
  issuer: string;
  session: SessionContext;
  configurationId: string;
  configuration: CredentialConfiguration;
  holderJwks: readonly object[];
  /** A new status entry, one per credential. */
  statusFor: () => Promise<StatusClaim>;
  now: number;
}): Promise<string[]> {
  const { session, configuration } = input;
  const presented =
    session.presentation && (await input.sealer.unseal(session.sessionId, session.presentation.sealedClaims));
  if (!presented) throw new CredentialRequestDenied('the presented claims of this session are erased', 'seed 002 §3.3');
  const claims = credentialClaims(session, input.configurationId, configuration.claimMapping, presented);
  return Promise.all(
    input.holderJwks.map(async (holderJwk) =>
      issueSdJwtVc({
        issuer: input.issuer,
        signingKey: input.signingKey,
        vct: configuration.vct,
        claims,
        disclosable: configuration.disclosable,
        holderJwk,
        now: input.now,
        lifetimeSeconds: configuration.lifetimeSeconds,
        status: await input.statusFor(),
      }),
    ),
  );
}
