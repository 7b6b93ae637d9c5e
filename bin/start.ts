#!/usr/bin/env node
/**
 * `npm start` (which passes --demo): the issuer on the embedded SQLite default. Without
 * --demo (or `demo: true` in the configuration) it trusts only the PID issuers configured.
 * Every start-up failure is one line on stderr and a non-zero exit; once started, everything it
 * says is a JSON line on stdout (pino, `log.level`). With `metrics.port` the metrics, /healthz and
 * /readyz are also served on that port of `metrics.host` (loopback by default), without a token.
 */
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import { prepareDataDir } from '../adapters/stores/data-dir.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createPinoLogger } from '../adapters/logging/pino-logger.js';
import { IssuerMetrics } from '../adapters/metrics/issuer-metrics.js';
import { createIssuer, sqlitePreset } from '../issuer/index.js';
import { closeGracefully } from '../transports/http/close-gracefully.js';
import { listen } from '../transports/http/listen.js';
import { openDemoPidIssuer, trustingDemoPidProvider } from '../wallet/demo-pid-issuer.js';
import { runService } from './run-service.js';

function trustsSomeone(config: Config): boolean {
  const { file, url, issuers, metadata, x509 } = config.trustedIssuers;
  return Boolean(file || url || issuers.length > 0 || metadata.length > 0 || x509.anchors.length > 0);
}

runService('pdi-engine', async () => {
  const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false } }, strict: true });
  const base = loadConfig(process.env, values.demo ? { demo: true } : {});
  if (!base.demo && !trustsSomeone(base))
    throw new ConfigError(
      'no trusted PID issuer configured: set trustedIssuers (issuers, file, url, metadata or x509.anchors) in CONFIG_FILE, or start with --demo to trust the demo PID provider',
    );
  prepareDataDir(base.dataDir);
  const pidIssuer = base.demo ? await openDemoPidIssuer(base.dataDir, base.publicUrl) : undefined;
  const config = pidIssuer ? trustingDemoPidProvider(base, pidIssuer) : base;
  const logger = createPinoLogger({ level: config.log.level });
  const metrics = config.metrics.enabled ? new IssuerMetrics() : undefined;
  // The transports wrap the issuer from the outside: NATS (when configured) and HTTP.
  const nats =
    config.nats && (await (await import('./nats-host.js')).openNatsHost(config, config.nats, logger, metrics));
  const ports = nats ? nats.ports : await sqlitePreset(config, Date.now, { ...(metrics && { metrics }) });
  // The pkcs11 block moves signing to a token; pkcs11js (an optional dependency) is loaded only then.
  const pkcs11 = config.pkcs11 && (await import('../adapters/keys/pkcs11/index.js'));
  const subjectDns = new URL(config.publicUrl).hostname;
  const token =
    pkcs11 && (await pkcs11.openConfiguredTokenKeys(config.pkcs11!, ports.keys, { subjectDns, now: Date.now() }));
  const keys = token ? token.keys : ports.keys;
  const issuer = createIssuer({
    config,
    ...ports,
    keys,
    logger,
    ...(metrics && { metrics }),
    ...(nats && { onAccepted: nats.onAccepted, eventFeed: nats.eventFeed, readiness: nats.readiness }),
    ...(pidIssuer && { demoPidProvider: pidIssuer }),
  });
  const service = nats?.serve(issuer);
  const servers: Server[] = [];
  const stop = async () => {
    // Requests in flight are answered before the stores close under them; an expiry run in flight finishes too.
    await Promise.all(servers.map((server) => closeGracefully(server)));
    await service?.close();
    await issuer.stop();
    await token?.close();
    await nats?.close();
  };
  const host = process.env.HOST ?? '127.0.0.1';
  const serverOptions = { publicUrl: config.publicUrl, bodyLimitBytes: config.bodyLimitBytes, limits: config.http };
  try {
    servers.push(await listen(issuer.handle, { ...serverOptions, port: config.port, host }));
    const { port: metricsPort, host: metricsHost } = config.metrics;
    if (metricsPort !== undefined && metrics)
      servers.push(await listen(issuer.operations, { ...serverOptions, port: metricsPort, host: metricsHost }));
  } catch (error) {
    await stop();
    throw error;
  }
  issuer.start();

  logger.info(`issuer ${config.publicUrl} listening on ${host}:${config.port}, data in ${config.dataDir}`, {
    metadata: `${config.publicUrl}/.well-known/openid-credential-issuer`,
    credentialSigningKey: `${keys.credentialSigner().kid}${token ? ` on PKCS#11 token ${config.pkcs11!.tokenLabel}` : ''}`,
    metrics: !metrics
      ? 'off'
      : config.metrics.port !== undefined
        ? `http://${config.metrics.host}:${config.metrics.port}${config.metrics.path}`
        : `${config.metrics.path} on the issuer's port${config.metrics.requireAdminToken ? ', admin token required' : ''}`,
  });
  if (pidIssuer)
    logger.warn(
      `DEMO MODE: trusts the demo PID provider ${pidIssuer.issuer} through the anchor ${pidIssuer.anchorFile} and serves its status list; never use this in production. Run \`npm run wallet\` in another terminal; \`npm run demo-pid -- revoke\` revokes the demo PID`,
    );

  return stop;
});
