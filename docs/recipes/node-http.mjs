/**
 * Recipe: the issuer on Node's own HTTP server (contract: docs/recipes/README.md). Node's server
 * has no mounting: every request reaches the listener, which routes the paths under PUBLIC_URL's
 * path and the site-root `/.well-known/<name><path>` documents (RFC 8414 §3.1) and answers 404
 * to the rest. `startNodeServer(issuer.handle, …)` is the same with the issuer's connection limits.
 */
import { createServer } from 'node:http';
import { closeGracefully, createIssuer, DEMO_CREDENTIALS, nodeListener, sqlitePreset } from 'pdi-engine';

const { PORT, PUBLIC_URL, DATA_DIR, TRUSTED_ISSUERS_FILE } = process.env;
const config = {
  publicUrl: PUBLIC_URL,
  dataDir: DATA_DIR,
  credentialConfigurations: DEMO_CREDENTIALS,
  trustedIssuers: { file: TRUSTED_ISSUERS_FILE },
};
const issuer = createIssuer({ config, ...(await sqlitePreset(config)) });
const server = createServer(nodeListener(issuer));

issuer.start();
server.listen(Number(PORT), '127.0.0.1', () => console.log(`issuer listening on ${PUBLIC_URL}`));
process.once('SIGTERM', async () => {
  await closeGracefully(server);
  await issuer.stop();
  process.exit(0);
});
