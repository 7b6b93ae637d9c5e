import type { JWK } from 'jose';
import type { Config } from '../config/schema.js';
import type { Engine } from '../engine/index.js';
import type { CNonceCodec } from './openid4vci/c-nonce.js';
import type { IssuerKeys } from '../adapters/keys/ports.js';
import type { ReplayCache } from '../adapters/stores/ports.js';
import type { ClaimSealer } from '../adapters/keys/claim-sealer.js';
import type { Pseudonyms } from '../adapters/keys/pseudonyms.js';
import type { TrustedIssuers } from '../adapters/trust/trusted-issuers.js';
import type { IssuerStates } from './openid4vci/issuer-state.js';
import type { OfferStore } from '../adapters/stores/ports.js';
import type { PublicKeyImports } from './jose/key-cache.js';
import type { VerifiedJwts } from './openid4vp/verified-jwts.js';
import type { IssuedStatusLists } from './status-list/issued-status-lists.js';
import type { PidStatusCheck } from './openid4vp/pid-status.js';
import type { Ids, Logger } from './ports.js';
import { RateLimiter } from './rate-limit.js';
import { IAE_ISSUER_PATH } from './issuer-path.js';
import type { SessionConsole } from './console/session-console.js';

/** Everything the protocol handlers use: the engine, the ports (stores, keys, trust, clock, ids, logger) and this issuer's own caches. */
export interface IssuerContext {
  config: Config;
  engine: Engine;
  keys: IssuerKeys;
  replay: ReplayCache;
  trustedIssuers: TrustedIssuers;
  /** E-50, V-20: the presented PID's status list entry, per issuer's trust. */
  pidStatus: PidStatusCheck;
  trustedAttesters: (issuer: string) => Promise<JWK[]>;
  /** Seed I-50, OpenID4VCI App. D: the public keys of the key attesters we trust, by their `iss`. */
  trustedKeyAttesters: (issuer: string) => Promise<JWK[]>;
  sealer: ClaimSealer;
  /** The per-session pseudonyms the log stores instead of client ids, key thumbprints and digests (seed 002 §3.3). */
  pseudonyms: Pseudonyms;
  cNonces: CNonceCodec;
  offers: OfferStore;
  /** Demo mode only: the demo PID provider's status list token, which this issuer serves for it. */
  demoPidStatus?: (list: number) => Promise<string | undefined>;
  /** I-30: the status lists of the credentials issued here. */
  statusLists: IssuedStatusLists;
  issuerStates: IssuerStates;
  now: () => number;
  ids: Ids;
  logger: Logger;
  limits: RateLimits;
  /** Imported public keys (DPoP, attestations, proofs, PID issuers), this issuer's alone. */
  keyImports: PublicKeyImports;
  /** PIDs whose signature this issuer has verified, this issuer's alone. */
  verifiedJwts: VerifiedJwts;
  /** Issue 15 §2: the session console's state, present when `adminToken` is set and `console.enabled`. */
  console?: SessionConsole;
}

/** The in-memory limits of issue 10 §4 (see `RateLimiter`). */
export interface RateLimits {
  sessionsPerAddress: RateLimiter;
  sessionsPerKey: RateLimiter;
  adminFailures: RateLimiter;
}

export function rateLimitsOf(config: Config): RateLimits {
  const { sessionsPerMinutePerAddress, sessionsPerMinutePerKey, adminFailuresPerMinute } = config.rateLimits;
  return {
    sessionsPerAddress: new RateLimiter(sessionsPerMinutePerAddress),
    sessionsPerKey: new RateLimiter(sessionsPerMinutePerKey),
    adminFailures: new RateLimiter(adminFailuresPerMinute),
  };
}

/** The endpoint URLs, all under the public base URL (the issuer identifier). */
export function endpoints(config: Config) {
  const base = config.publicUrl;
  return {
    issuer: base,
    challenge: `${base}/authorize-challenge`,
    /** Issue 13 §2: the second issuer identifier, under which the IAE is advertised. */
    iaeIssuer: `${base}${IAE_ISSUER_PATH}`,
    iae: `${base}${IAE_ISSUER_PATH}/interactive-authorization`,
    token: `${base}/token`,
    nonce: `${base}/nonce`,
    credential: `${base}/credential`,
    requestObject: (requestId: string) => `${base}/verifier/request/${requestId}`,
    response: (requestId: string) => `${base}/verifier/response/${requestId}`,
    offer: (offerId: string) => `${base}/offers/${offerId}`,
    statusLists: `${base}/status`,
    /** Issue 15: the authorization endpoint and the browser step's page (its handle in the path), status, events and completion. */
    authorize: `${base}/authorize`,
    par: `${base}/par`,
    browserPage: (page: string) => `${base}/browser/page/${page}`,
    browserStatus: (page: string) => `${base}/browser/status/${page}`,
    browserEvents: (page: string) => `${base}/browser/events/${page}`,
    browserComplete: (page: string) => `${base}/browser/complete/${page}`,
    browserAssets: `${base}/browser/assets`,
  };
}
