// The issuer in a Hono app on a sub-path route, which keeps the full path (docs/embedding.md, "Hono").
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { closeGracefully, createIssuer, DEMO_CREDENTIALS, siteRootWellKnownPaths, sqlitePreset } from 'pdi-engine';

const { PORT, PUBLIC_URL, DATA_DIR, TRUSTED_ISSUERS_FILE } = process.env;
const config = {
  publicUrl: PUBLIC_URL,
  dataDir: DATA_DIR,
  credentialConfigurations: DEMO_CREDENTIALS,
  trustedIssuers: { file: TRUSTED_ISSUERS_FILE },
};
const issuer = createIssuer({ config, ...(await sqlitePreset(config)) });
const mountPath = new URL(PUBLIC_URL).pathname.replace(/\/+$/, '');

const app = new Hono();
app.all(`${mountPath}/*`, (c) => issuer.fetch(c.req.raw));
// RFC 8414 §3.1, OpenID4VCI §12.2.2: the well-known documents of an issuer with a path, at the site root.
for (const path of siteRootWellKnownPaths(PUBLIC_URL)) app.all(path, (c) => issuer.fetch(c.req.raw));

issuer.start();
const server = serve({ fetch: app.fetch, port: Number(PORT), hostname: '127.0.0.1' }, () =>
  console.log(`issuer listening on ${PUBLIC_URL}`),
);
process.once('SIGTERM', async () => {
  await closeGracefully(server);
  await issuer.stop();
  process.exit(0);
});
