import { randomIds } from '../adapters/ids/random-ids.js';
import { ClaimSealer } from '../adapters/keys/claim-sealer.js';
import type { IssuerKeys } from '../adapters/keys/ports.js';
import { Pseudonyms } from '../adapters/keys/pseudonyms.js';
import { createPinoLogger } from '../adapters/logging/pino-logger.js';
import { IssuerMetrics } from '../adapters/metrics/issuer-metrics.js';
import { measuredEventStore } from '../adapters/metrics/measured-event-store.js';
import type { IssuerStores } from '../adapters/stores/ports.js';
import type { IssuerTrust } from '../adapters/trust/configured-trust.js';
import { StaticTrustedIssuers } from '../adapters/trust/trusted-issuers.js';
import { parseConfig } from '../config/load.js';
import type { Config, ConfigInput } from '../config/schema.js';
import { engineConfigOf } from '../config/engine-config.js';
import { Engine, expireDue, stateName, type SessionEvent } from '../engine/index.js';
import type { AcceptedEventFeed } from '../protocol/console/live-feed.js';
import { SessionConsole } from '../protocol/console/session-console.js';
import { endpoints, rateLimitsOf, type IssuerContext } from '../protocol/issuer-context.js';
import { PublicKeyImports } from '../protocol/jose/key-cache.js';
import { CNonceCodec } from '../protocol/openid4vci/c-nonce.js';
import { IssuerStates } from '../protocol/openid4vci/issuer-state.js';
import { VerifiedJwts } from '../protocol/openid4vp/verified-jwts.js';
import { PidStatusCheck } from '../protocol/openid4vp/pid-status.js';
import { IssuedStatusLists } from '../protocol/status-list/issued-status-lists.js';
import type { Clock, Ids, Logger } from '../protocol/ports.js';
import { pseudonymiser } from '../protocol/pseudonymise.js';
import { retainEnded } from '../protocol/retention.js';
import { createProtocolHandler } from '../protocol/router.js';
import { createFetchHandler, type ProtocolHandler } from '../transports/http/fetch-handler.js';
import type { HttpEdgeOptions } from '../transports/http/http-edge.js';
import { observedHandler, operationsHandler } from './observed-handler.js';
import { issuerChecks, type ReadinessChecks } from './readiness.js';
import { startHousekeeping } from './schedule.js';

/** The ports a preset builds (`sqlitePreset`, `natsPreset`) or an embedder brings (its own stores, a KMS, its trust list). */
export interface IssuerPorts {
  stores: IssuerStores;
  keys: IssuerKeys;
  trust: IssuerTrust;
}

export interface IssuerOptions extends IssuerPorts {
  /** The plain configuration, validated here (defaults applied; an unknown key is a `ConfigError`). */
  config: ConfigInput;
  /** Epoch ms; `Date.now` by default. */
  clock?: Clock;
  /** The random values; node:crypto by default. */
  ids?: Ids;
  /** JSON lines on stdout through pino by default, at `config.log.level`. */
  logger?: Logger;
  /** Told of every event once durably appended (never on a rebuild): how a host publishes domain events. Composes with the metrics. */
  onAccepted?: (event: SessionEvent) => void;
  /**
   * This issuer's metrics: a new registry of its own by default when `config.metrics.enabled`;
   * pass the one given to `sqlitePreset` to see its group commits too.
   */
  metrics?: IssuerMetrics;
  /**
   * Issue 15 §2: the accepted events of every instance, for the session console's live view and
   * overview (`bin/nats-host.ts` supplies the domain-event subjects); this instance's own come
   * from the engine either way.
   */
  eventFeed?: AcceptedEventFeed;
  /** Readiness checks of the host, beside the issuer's own (stores, keys): e.g. `nats`. */
  readiness?: ReadinessChecks;
  /** Demo mode (`config.demo`) only: the demo PID provider whose status list this issuer serves at `/demo/pid-provider/status/0`. */
  demoPidProvider?: { statusList(list: number, now: number): Promise<string | undefined> };
}

/** One issuer: transports wrap it from the outside (`handle` for Node HTTP or NATS, `fetch` for Fetch-API hosts). */
export interface Issuer {
  /** One protocol request → one response (never throws); also `/healthz`, `/readyz` and the metrics (docs/operations.md). */
  handle: ProtocolHandler;
  /** Only `/healthz`, `/readyz` and the metrics path, without a token: for a listener of their own (`metrics.port`). */
  operations: ProtocolHandler;
  /** This issuer's metrics (undefined when `config.metrics.enabled` is false): `metrics.registry` for an embedder's own server. */
  metrics: IssuerMetrics | undefined;
  /** The same, over the Fetch API. */
  fetch: (request: Request) => Promise<Response>;
  /** What an HTTP host serves it under (`nodeListener`, `fastifyPlugin`): the public URL and the body limit. */
  http: HttpEdgeOptions;
  /** Start the housekeeping: expiry every 5 s, retention every minute. */
  start: () => void;
  /** Stop the housekeeping, wait for its run in flight, then close the stores. Requests in flight are the transport's to drain first. */
  stop: () => Promise<void>;
  /** One expiry run now: `Expired` for the sessions whose deadline has passed. */
  expireDue: () => Promise<number>;
  /** One retention run now: compact the sessions that ended longer ago than `config.retention`. */
  retainEnded: () => Promise<number>;
}

/** How far the expiry backlog gauge counts (one indexed query after each expiry run). */
const EXPIRY_BACKLOG_COUNTED = 10_000;

/** The context the handlers share: every cache in it is this issuer's own, so two issuers in a process share nothing. */
function contextOf(options: IssuerOptions, config: Config, metrics: IssuerMetrics | undefined): IssuerContext {
  const { stores, keys, trust } = options;
  const ids = options.ids ?? randomIds;
  const pseudonyms = new Pseudonyms(stores.sessionKeys);
  const keyAttesters = new StaticTrustedIssuers(config.keyAttestation.trustedAttesters);
  const now = options.clock ?? Date.now;
  const logger = options.logger ?? createPinoLogger({ level: config.log.level });
  const sessionConsole =
    config.adminToken && config.console.enabled
      ? new SessionConsole({
          idleSeconds: config.console.idleSeconds,
          store: stores.events,
          stateOf: async (sessionId) => stateName(await context.engine.load(sessionId, { fresh: true })),
          now,
          warn: (message, fields) => logger.warn(message, fields),
        })
      : undefined;
  const toConsole =
    sessionConsole &&
    ((event: SessionEvent) =>
      sessionConsole.accept({
        type: event.type,
        id: event.meta.id,
        sessionId: event.meta.sessionId,
        at: event.meta.at,
      }));
  const hooks = [metrics?.observeEvent, options.onAccepted, toConsole].filter((hook) => hook !== undefined);
  const keyImports = new PublicKeyImports();
  const context: IssuerContext = {
    config,
    engine: new Engine({
      store: metrics ? measuredEventStore(stores.events, metrics) : stores.events,
      config: engineConfigOf(config),
      prepare: pseudonymiser(pseudonyms),
      ...(hooks.length > 0 && {
        onAccepted: (event) => {
          for (const hook of hooks) hook(event);
        },
      }),
    }),
    keys,
    now,
    ids,
    logger,
    replay: stores.replay,
    offers: stores.offers,
    ...(options.demoPidProvider &&
      config.demo && { demoPidStatus: (list: number) => options.demoPidProvider!.statusList(list, now()) }),
    statusLists: new IssuedStatusLists({
      store: stores.status,
      settings: config.statusList,
      baseUri: endpoints(config).statusLists,
      signer: () => keys.credentialSigner(),
      randomIndex: ids.index,
      now,
    }),
    sealer: new ClaimSealer(stores.sessionKeys),
    pseudonyms,
    trustedIssuers: trust.pidIssuers,
    pidStatus: new PidStatusCheck({
      settings: config.verifier.pidStatus,
      trust: trust.pidIssuers,
      keyImports,
      now,
    }),
    trustedAttesters: (issuer) => trust.walletAttesters.keysFor(issuer),
    trustedKeyAttesters: (issuer) => keyAttesters.keysFor(issuer),
    cNonces: new CNonceCodec(keys.derivedSecret('c_nonce')),
    issuerStates: new IssuerStates(keys.derivedSecret('issuer_state'), ids),
    limits: rateLimitsOf(config),
    keyImports,
    verifiedJwts: new VerifiedJwts(),
    ...(sessionConsole && { console: sessionConsole }),
  };
  return context;
}

/**
 * `createIssuer` with the context its handlers share, for the test support in testing/
 * (`startIssuer` hands it to tests as `internals`); hosts use `createIssuer`.
 */
export function composeIssuer(options: IssuerOptions): { issuer: Issuer; context: IssuerContext } {
  const config = parseConfig(options.config);
  const metrics = options.metrics ?? (config.metrics.enabled ? new IssuerMetrics() : undefined);
  const context = contextOf(options, config, metrics);
  const { engine, now, ids, logger, sealer } = context;
  const ops = { config, context, metrics, checks: issuerChecks(options.stores, options.keys, options.readiness) };
  const protocol = createProtocolHandler(context);
  const handle = observedHandler(context.console ? context.console.observing(protocol) : protocol, ops);
  const unsubscribe = context.console && options.eventFeed?.((event) => context.console!.accept(event));
  const expire = async () => {
    const expired = await expireDue(engine, now(), ids.eventId);
    metrics?.observeExpiry(expired, (await options.stores.events.due(now(), EXPIRY_BACKLOG_COUNTED)).length);
    return expired;
  };
  const retain = () => retainEnded(options.stores.events, sealer, now(), config.retention.endedSessionSeconds * 1000);
  let stopHousekeeping: (() => Promise<void>) | undefined;
  const http = { publicUrl: config.publicUrl, bodyLimitBytes: config.bodyLimitBytes };
  const issuer: Issuer = {
    handle,
    operations: operationsHandler(ops),
    metrics,
    fetch: createFetchHandler(handle, http),
    http,
    start: () => {
      stopHousekeeping ??= startHousekeeping({ expireDue: expire, retainEnded: retain }, logger);
    },
    stop: async () => {
      unsubscribe?.();
      context.console?.close();
      await stopHousekeeping?.();
      stopHousekeeping = undefined;
      await options.stores.close();
    },
    expireDue: expire,
    retainEnded: retain,
  };
  return { issuer, context };
}

/**
 * The one composition root: an OpenID4VCI issuer with Presentation during Issuance over the
 * given ports. The configuration is validated here; everything stateful comes in as a port, and
 * every cache is this issuer's own. The issuer owns its stores from now on (`stop` closes them).
 */
export function createIssuer(options: IssuerOptions): Issuer {
  return composeIssuer(options).issuer;
}
