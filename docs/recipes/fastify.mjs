// The issuer in a Fastify 5 app, under the path of PUBLIC_URL (docs/embedding.md, "Fastify").
import Fastify from 'fastify';
import { createIssuer, DEMO_CREDENTIALS, fastifyPlugin, siteRootWellKnownPaths, sqlitePreset } from 'pdi-engine';

const { PORT, PUBLIC_URL, DATA_DIR, TRUSTED_ISSUERS_FILE } = process.env;
const config = {
  publicUrl: PUBLIC_URL,
  dataDir: DATA_DIR,
  credentialConfigurations: DEMO_CREDENTIALS,
  trustedIssuers: { file: TRUSTED_ISSUERS_FILE },
};
const issuer = createIssuer({ config, ...(await sqlitePreset(config)) });
const mountPath = new URL(PUBLIC_URL).pathname.replace(/\/+$/, '');

const app = Fastify();
// In its own encapsulated context: Fastify's default parsers stay in place for the rest of the app.
await app.register(fastifyPlugin(issuer), { prefix: mountPath });
// RFC 8414 §3.1, OpenID4VCI §12.2.2: the well-known documents of an issuer with a path, at the site root.
await app.register(fastifyPlugin(issuer, { paths: siteRootWellKnownPaths(PUBLIC_URL) }));

issuer.start();
await app.listen({ port: Number(PORT), host: '127.0.0.1' });
console.log(`issuer listening on ${PUBLIC_URL}`);
process.once('SIGTERM', async () => {
  await app.close();
  await issuer.stop();
  process.exit(0);
});
