#!/usr/bin/env node
/**
 * `npm run gateway`: an HTTP front that knows nothing of the protocol and forwards every
 * request over NATS (NATS_URL and credentials as for `npm start`) to the engine
 * instances' queue group (PORT, PUBLIC_URL as for `npm start`).
 */
import { ConfigError, loadConfig } from '../config/load.js';
import { closeGracefully } from '../transports/http/close-gracefully.js';
import { listen } from '../transports/http/listen.js';
import { GATEWAY_INBOX_PREFIX, connectToNats } from '../transports/nats/connection.js';
import { forwardOverNats } from '../transports/nats/gateway.js';
import { runService } from './run-service.js';

runService('pdi-gateway', async () => {
  const config = loadConfig();
  if (!config.nats) throw new ConfigError('set NATS_URL: the gateway forwards over NATS');
  const nc = await connectToNats(config.nats, 'pdi-gateway', console.error, { inboxPrefix: GATEWAY_INBOX_PREFIX });
  const host = process.env.HOST ?? '127.0.0.1';
  const server = await listen(forwardOverNats(nc, { prefix: config.nats.subjectPrefix }), {
    port: config.port,
    host,
    publicUrl: config.publicUrl,
    bodyLimitBytes: config.bodyLimitBytes,
    limits: config.http,
  });
  console.log(`gateway ${config.publicUrl} listening on ${host}:${config.port}, forwarding to ${config.nats.url}`);
  return async () => {
    await closeGracefully(server);
    await nc.drain();
  };
});
