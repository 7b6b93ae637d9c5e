import type { JWK } from 'jose';
import type { WalletFetch } from '../wallet/index.js';

/** The wire dialects the kit knows (docs/protocol-ia.md): the seed's flow and Interactive Authorization's three. */
export const DIALECTS = ['l', 's1', 's2', 's3'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** Mints a PID (an SD-JWT VC) that the target trusts, bound to `holderJwk`, issued at `now` (ms). */
export type PidMinter = (holderJwk: JWK, now: number) => Promise<string>;

/**
 * Whom the target trusts to sign the PIDs `mintPid` mints, so the model (our own issuer, the
 * oracle of the model-based fuzzing) trusts the same: the signing keys as a JWKS, or the PEM trust
 * anchor an `x5c` chain in the PID leads to. The PID's `iss`, `vct` and claims are read from a
 * minted PID.
 */
export type PidTrust = { jwks: { keys: JWK[] } } | { anchorFile: string };

/**
 * The issuer under test, as discovered from its metadata and the operator's arguments: what
 * both the attack catalogue and the model-based fuzzing drive.
 */
export interface ConformanceTarget {
  /** The credential issuer identifier (its metadata is at `/.well-known/openid-credential-issuer`). */
  issuerUrl: string;
  /** The dialects the target advertises and the run asked for. */
  dialects: readonly Dialect[];
  /** The credential configuration the flows request, and its scope. */
  configurationId: string;
  scope: string;
  /** PIDs the target accepts. */
  mintPid: PidMinter;
  /** Whom the target trusts for those PIDs; without it the model-based fuzzing is skipped. */
  pidTrust?: PidTrust;
  /** How long a check may wait for an artefact to expire (the expiry checks skip longer lifetimes); 0 by default. */
  maxWaitSeconds?: number;
  /** How requests reach the target (the global fetch by default). */
  fetch?: WalletFetch;
}
