/**
 * `npm run gateway`: an HTTP front that knows nothing of the protocol and forwards every
 * request over NATS (NATS_URL) to the engine instances' queue group (PORT, PUBLIC_URL as
 * for `npm start`).
 */
import { connect } from '@nats-io/transport-node';
import { loadConfig } from '../config/load.js';
import { startNodeServer } from '../transports/http/node-server.js';
import { forwardOverNats } from '../transports/nats/gateway.js';

const config = loadConfig();
if (!config.nats) throw new Error('set NATS_URL: the gateway forwards over NATS');
const nc = await connect({ servers: config.nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: 'pdi-gateway' });
const server = await startNodeServer(forwardOverNats(nc, { prefix: config.nats.subjectPrefix }), {
  port: config.port, host: process.env.HOST ?? '127.0.0.1', publicUrl: config.publicUrl, bodyLimitBytes: config.bodyLimitBytes,
});
console.log(`gateway ${config.publicUrl} listening on port ${config.port}, forwarding to ${config.nats.url}`);
process.once('SIGTERM', () => {
  server.close();
  void nc.drain().then(() => process.exit(0));
});
