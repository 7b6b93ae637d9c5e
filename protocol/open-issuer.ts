import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { CNonceCodec } from '../adapters/jose/c-nonce.js';
import { KeyRing } from '../adapters/jose/keyring.js';
import { newEventId } from '../adapters/ids.js';
import { OfferStore } from '../adapters/offers/offer-store.js';
import { SqliteReplayCache } from '../adapters/replay/sqlite.js';
import { ClaimSealer } from '../adapters/seal/claim-sealer.js';
import { SqliteEventStore } from '../adapters/store/sqlite.js';
import { JwksFileTrustedIssuers, StaticTrustedIssuers, UrlTrustedIssuers, type TrustedIssuers } from '../adapters/trust/trusted-issuers.js';
import type { Config } from '../config/schema.js';
import { Engine, engineConfig, expireDue, type EventStore } from '../engine/index.js';
import { createFetchHandler } from '../transports/http/fetch-handler.js';
import type { IssuerContext } from './issuer-context.js';
import { createProtocolHandler } from './router.js';

export interface Issuer {
  context: IssuerContext;
  handle: ReturnType<typeof createProtocolHandler>;
  fetch: (request: Request) => Promise<Response>;
  /** Append `Expired` to the sessions whose deadline has passed (run it every few seconds). */
  expireDue: () => Promise<number>;
  close: () => Promise<void>;
}

const SECOND = 1000;

/** Trusted by any of the sources: the inline list, the JWKS file, the JWKS URL. */
function trustedIssuersOf(config: Config, now: () => number): TrustedIssuers {
  const { issuers, file, url, urlMaxAgeSeconds } = config.trustedIssuers;
  const sources: TrustedIssuers[] = [new StaticTrustedIssuers(issuers as never)];
  if (file) sources.push(new JwksFileTrustedIssuers(file));
  if (url) sources.push(new UrlTrustedIssuers(url, { maxAgeMs: urlMaxAgeSeconds * SECOND, now }));
  return { keysFor: async (issuer) => (await Promise.all(sources.map((source) => source.keysFor(issuer)))).flat() };
}

/**
 * The issuer on the embedded default: SQLite event log and state files and the key ring
 * in `config.dataDir`. `now` is injectable so tests can move time.
 */
export async function openIssuer(config: Config, options: { now?: () => number; store?: EventStore } = {}): Promise<Issuer> {
  const now = options.now ?? Date.now;
  mkdirSync(config.dataDir, { recursive: true });
  const statePath = join(config.dataDir, 'state.sqlite');
  const store = options.store ?? new SqliteEventStore(join(config.dataDir, 'events.sqlite'));
  const keyRing = await KeyRing.open(config.dataDir, { now: now(), subjectDns: new URL(config.publicUrl).hostname });
  const { lifetimes, policy } = config;
  const engine = new Engine({
    store,
    config: engineConfig({
      lifetimes: Object.fromEntries(Object.entries(lifetimes).map(([name, seconds]) => [name, seconds * SECOND])),
      holderContinuity: policy.holderContinuity,
      maxPresentationAttempts: policy.maxPresentationAttempts,
      onRetry: ({ attempts, maxAttempts }) => (policy.afterWalletError === 'new_request' && attempts >= maxAttempts ? 'access_denied' : policy.afterWalletError),
    }),
  });
  const attesters = new StaticTrustedIssuers(config.walletAttestation.trustedAttesters as never);
  const replay = new SqliteReplayCache(statePath);
  const sealer = new ClaimSealer(statePath);
  const offers = new OfferStore(statePath);
  const context: IssuerContext = {
    config, engine, keyRing, replay, sealer, offers, now,
    trustedIssuers: trustedIssuersOf(config, now),
    trustedAttesters: (issuer: string) => attesters.keysFor(issuer) as Promise<JWK[]>,
    cNonces: new CNonceCodec(keyRing.derivedSecret('c_nonce')),
  };
  const handle = createProtocolHandler(context);
  return {
    context,
    handle,
    fetch: createFetchHandler(handle, { publicUrl: config.publicUrl, bodyLimitBytes: config.bodyLimitBytes }),
    expireDue: () => expireDue(engine, now(), newEventId),
    close: async () => {
      await store.close();
      await replay.close();
      sealer.close();
      offers.close();
    },
  };
}
