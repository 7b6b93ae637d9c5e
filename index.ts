/**
 * The package's front door (`import … from 'pdi-engine'`): the issuer factory and its presets, the
 * configuration schema, the ports an embedder may implement, and the HTTP and NATS transports.
 * The engine alone is `pdi-engine/engine`, the reference wallet `pdi-engine/wallet`, the test
 * support `pdi-engine/testing`.
 *
 * @module pdi-engine
 */

// The issuer: one composition root, two presets that build its ports.
export { createIssuer, type Issuer, type IssuerOptions, type IssuerPorts } from './issuer/index.js';
export { natsPreset, sqlitePreset } from './issuer/index.js';

// Configuration.
export {
  Config,
  type ConfigInput,
  CredentialConfiguration,
  HttpLimits,
  LogSettings,
  MetricsSettings,
  NatsSettings,
  Pkcs11Settings,
} from './config/schema.js';
export { ConfigError, DEMO_CREDENTIALS, loadConfig, parseConfig } from './config/load.js';

// Ports: what an embedder may bring instead of a preset's part.
export type { EventStore, SessionEvent } from './engine/index.js';
export { CREDENTIAL_STATUS } from './adapters/stores/ports.js';
export type {
  CreatedOffer,
  CredentialStatus,
  IssuerStores,
  OfferStore,
  ReplayCache,
  SessionKeys,
  StatusEntry,
  StatusStore,
  StatusTarget,
} from './adapters/stores/ports.js';
export type { CertifiedSigner, DecryptionAlgorithms, IssuerKeys, JwsSigner } from './adapters/keys/ports.js';
export type { IssuerTrust } from './adapters/trust/configured-trust.js';
export type { IssuerJws, TrustedIssuers } from './adapters/trust/trusted-issuers.js';
export type { Clock, Ids, LogFields, Logger } from './protocol/ports.js';
export type { ProtocolRequest, ProtocolResponse } from './protocol/messages.js';

// HTTP.
export { createFetchHandler, type ProtocolHandler } from './transports/http/fetch-handler.js';
export type { HttpEdgeOptions } from './transports/http/http-edge.js';
export { startNodeServer } from './transports/http/node-server.js';
export {
  type HttpServable,
  nodeListener,
  type NodeListenerOptions,
  type NodeRequest,
} from './transports/http/node-listener.js';
export { type FastifyLike, fastifyPlugin, type FastifyPluginOptions } from './transports/http/fastify-plugin.js';
export { siteRootWellKnownPaths } from './protocol/issuer-path.js';
export { closeGracefully } from './transports/http/close-gracefully.js';

// NATS.
export { connectToNats } from './transports/nats/connection.js';
export {
  DEFAULT_DOMAIN_EVENT_STREAM,
  type DomainEventStreamSettings,
  publishDomainEvents,
  subscribeDomainEvents,
} from './transports/nats/domain-events.js';
export {
  type DomainEventRelay,
  type DomainEventRelayOptions,
  startDomainEventRelay,
} from './transports/nats/domain-event-relay.js';
export type { AcceptedEvent, AcceptedEventFeed } from './protocol/console/live-feed.js';
export type { DomainEvent } from './protocol/domain-event.js';
export { serveProtocolOverNats, type NatsProtocolService } from './transports/nats/protocol-service.js';
export { nativeNatsFetch } from './transports/nats/native-client.js';

// Operations: logging, metrics, health and readiness (docs/operations.md).
export { createPinoLogger, type PinoLoggerOptions, REDACTED_FIELDS } from './adapters/logging/pino-logger.js';
export { LOG_LEVELS, type LogLevel } from './adapters/logging/levels.js';
export { IssuerMetrics, type ObservedRequest, SEED_DIALECT } from './adapters/metrics/issuer-metrics.js';
export type { ReadinessProbe } from './adapters/stores/ports.js';
export type { ReadinessChecks } from './issuer/index.js';
