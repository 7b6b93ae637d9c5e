import type { EngineError } from './errors.js';
import { identifierAllowed, issuable, liveToken } from './rules.js';
import { contextOf, stateName, type SessionState } from './state.js';

/** What a credential request shows before its proofs are verified (the DPoP key as the session's pseudonym). */
export interface CredentialAsk {
  tokenHash: string;
  dpopJkt: string;
  configurationId: string;
  proofs: number;
  byIdentifier: boolean;
  at: number;
}

/**
 * The refusals of a credential request that need neither its proofs nor its c_nonce, for the
 * endpoint to answer before any proof is verified or c_nonce spent; `decide` runs the same rules
 * on `IssueCredential`. Only for a live token of a grant that can still issue, used with its own
 * key: a revoked, expired or foreign token gets the engine's `invalid_token` /
 * `invalid_dpop_proof` first (RFC 6750 §3.1, RFC 6749 §4.1.2: a replayed code revokes the grant).
 */
export function credentialPrecheck(state: SessionState, ask: CredentialAsk): EngineError | undefined {
  const name = stateName(state);
  if (name !== 'tokenIssued' && name !== 'completed') return undefined;
  const context = contextOf(state);
  if (liveToken(context, ask.tokenHash, ask.dpopJkt, ask.at)) return undefined;
  return identifierAllowed(context, ask.byIdentifier) ?? issuable(context, ask.configurationId, ask.proofs);
}
