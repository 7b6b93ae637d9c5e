// The issuer in an Express 5 app, under the path of PUBLIC_URL (docs/embedding.md, "Express").
import express from 'express';
import {
  closeGracefully,
  createIssuer,
  DEMO_CREDENTIALS,
  nodeListener,
  siteRootWellKnownPaths,
  sqlitePreset,
} from 'pdi-engine';

const { PORT, PUBLIC_URL, DATA_DIR, TRUSTED_ISSUERS_FILE } = process.env;
const config = {
  publicUrl: PUBLIC_URL,
  dataDir: DATA_DIR,
  credentialConfigurations: DEMO_CREDENTIALS,
  trustedIssuers: { file: TRUSTED_ISSUERS_FILE },
};
const issuer = createIssuer({ config, ...(await sqlitePreset(config)) });
const mountPath = new URL(PUBLIC_URL).pathname.replace(/\/+$/, '') || '/';

const app = express();
// The app's own body parsers may come first: the issuer rebuilds the body they consumed from req.body.
app.use(express.json());
app.use(express.urlencoded());
const listener = nodeListener(issuer);
app.use(mountPath, listener);
// RFC 8414 §3.1, OpenID4VCI §12.2.2: the well-known documents of an issuer with a path, at the site root.
for (const path of siteRootWellKnownPaths(PUBLIC_URL)) app.all(path, listener);

issuer.start();
const server = app.listen(Number(PORT), '127.0.0.1', () => console.log(`issuer listening on ${PUBLIC_URL}`));
process.once('SIGTERM', async () => {
  await closeGracefully(server);
  await issuer.stop();
  process.exit(0);
});
