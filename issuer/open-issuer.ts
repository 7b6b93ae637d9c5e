import type { JWK } from 'jose';
import { prepareDataDir } from '../adapters/stores/data-dir.js';
import { CNonceCodec } from '../protocol/openid4vci/c-nonce.js';
import { KeyRing } from '../adapters/keys/keyring.js';
import { newEventId } from '../protocol/handles.js';
import { IssuerStates } from '../protocol/openid4vci/issuer-state.js';
import { ClaimSealer } from '../adapters/keys/claim-sealer.js';
import { Pseudonyms } from '../adapters/keys/pseudonyms.js';
import {
  JwksFileTrustedIssuers,
  StaticTrustedIssuers,
  UrlTrustedIssuers,
  type TrustedIssuers,
} from '../adapters/trust/trusted-issuers.js';
import type { Config } from '../config/schema.js';
import { engineConfigOf } from '../config/engine-config.js';
import { Engine, expireDue } from '../engine/index.js';
import { createFetchHandler } from '../transports/http/fetch-handler.js';
import { publishDomainEvents } from '../transports/nats/domain-events.js';
import { serveProtocolOverNats } from '../transports/nats/protocol-service.js';
import { consoleAudit, type AuditLog } from '../protocol/endpoints/admin-auth.js';
import { rateLimitsOf, type IssuerContext } from '../protocol/issuer-context.js';
import { pseudonymiser } from '../protocol/pseudonymise.js';
import { retainEnded } from '../protocol/retention.js';
import { createProtocolHandler } from '../protocol/router.js';
import { openStateBackends, stateProtection } from './state-backends.js';

export interface Issuer {
  context: IssuerContext;
  handle: ReturnType<typeof createProtocolHandler>;
  fetch: (request: Request) => Promise<Response>;
  /** Append `Expired` to the sessions whose deadline has passed (run it every few seconds). */
  expireDue: () => Promise<number>;
  /** Compact the sessions that ended longer ago than `config.retention` (run it every minute or so). */
  retainEnded: () => Promise<number>;
  close: () => Promise<void>;
}

const SECOND = 1000;

/** Trusted by any of the sources: the inline list, the JWKS file, the JWKS URL. */
function trustedIssuersOf(config: Config, now: () => number): TrustedIssuers {
  const { issuers, file, url, urlMaxAgeSeconds, urlTimeoutMs, urlMaxBytes } = config.trustedIssuers;
  const sources: TrustedIssuers[] = [new StaticTrustedIssuers(issuers as never)];
  if (file) sources.push(new JwksFileTrustedIssuers(file));
  if (url)
    sources.push(
      new UrlTrustedIssuers(url, {
        maxAgeMs: urlMaxAgeSeconds * SECOND,
        now,
        ...(urlTimeoutMs && { timeoutMs: urlTimeoutMs }),
        ...(urlMaxBytes && { maxBytes: urlMaxBytes }),
      }),
    );
  return { keysFor: async (issuer) => (await Promise.all(sources.map((source) => source.keysFor(issuer)))).flat() };
}

/**
 * The issuer: on the embedded SQLite default (files and key ring in `config.dataDir`), or,
 * with `config.nats`, on JetStream, answering protocol requests over NATS too and
 * publishing domain events. `now` is injectable so tests can move time; `audit` receives
 * the admin API's audit lines (JSON on stdout by default).
 */
export async function openIssuer(
  config: Config,
  options: { now?: () => number; audit?: AuditLog } = {},
): Promise<Issuer> {
  const now = options.now ?? Date.now;
  prepareDataDir(config.dataDir);
  const keyRing = await KeyRing.open(config.dataDir, { now: now(), subjectDns: new URL(config.publicUrl).hostname });
  const backends = await openStateBackends(config, stateProtection(keyRing));
  const prefix = config.nats?.subjectPrefix ?? 'pdi';
  const pseudonyms = new Pseudonyms(backends.sessionKeys);
  const engine = new Engine({
    store: backends.store,
    config: engineConfigOf(config),
    prepare: pseudonymiser(pseudonyms),
    ...(backends.nats && { onAccepted: publishDomainEvents(backends.nats, prefix) }),
  });
  const attesters = new StaticTrustedIssuers(config.walletAttestation.trustedAttesters as never);
  const context: IssuerContext = {
    config,
    engine,
    keyRing,
    now,
    replay: backends.replay,
    offers: backends.offers,
    sealer: new ClaimSealer(backends.sessionKeys),
    pseudonyms,
    trustedIssuers: trustedIssuersOf(config, now),
    trustedAttesters: (issuer: string) => attesters.keysFor(issuer) as Promise<JWK[]>,
    cNonces: new CNonceCodec(keyRing.derivedSecret('c_nonce')),
    issuerStates: new IssuerStates(keyRing.derivedSecret('issuer_state')),
    limits: rateLimitsOf(config),
    audit: options.audit ?? consoleAudit,
  };
  const handle = createProtocolHandler(context);
  const service =
    backends.nats && config.nats?.serveRequests
      ? serveProtocolOverNats(backends.nats, handle, {
          prefix,
          queue: config.nats.queue,
          instance: config.nats.instance,
          bodyLimitBytes: config.bodyLimitBytes,
        })
      : undefined;
  return {
    context,
    handle,
    fetch: createFetchHandler(handle, { publicUrl: config.publicUrl, bodyLimitBytes: config.bodyLimitBytes }),
    expireDue: () => expireDue(engine, now(), newEventId),
    retainEnded: () =>
      retainEnded(backends.store, context.sealer, now(), config.retention.endedSessionSeconds * SECOND),
    close: async () => {
      await service?.close();
      await backends.close();
    },
  };
}
