/**
 * Recipe: the issuer on Node's own HTTP server, mounted at the path of PUBLIC_URL (contract:
 * docs/recipes/README.md). Run with `node node-http.mjs` in a project that installed pdi-engine.
 */
import {
  closeGracefully,
  createIssuer,
  DEMO_CREDENTIALS,
  parseConfig,
  sqlitePreset,
  startNodeServer,
} from 'pdi-engine';

const port = Number(process.env.PORT);
const config = {
  publicUrl: process.env.PUBLIC_URL,
  dataDir: process.env.DATA_DIR,
  credentialConfigurations: DEMO_CREDENTIALS,
  trustedIssuers: { file: process.env.TRUSTED_ISSUERS_FILE },
};
const issuer = createIssuer({ config, ...(await sqlitePreset(config)) });
const { publicUrl, bodyLimitBytes, http } = parseConfig(config);
// The issuer routes its paths under PUBLIC_URL's path and the site-root `/.well-known/<name><path>` (RFC 8414 §3.1).
const server = await startNodeServer(issuer.handle, {
  port,
  host: '127.0.0.1',
  publicUrl,
  bodyLimitBytes,
  limits: http,
});
issuer.start();
console.log(`issuer ${publicUrl} listening on 127.0.0.1:${port}`);

process.once('SIGTERM', async () => {
  await closeGracefully(server);
  await issuer.stop();
  process.exit(0);
});
