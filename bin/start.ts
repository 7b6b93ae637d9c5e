/**
 * `npm start` (which passes --demo): the issuer on the embedded SQLite default. Without
 * --demo (or `demo: true` in the configuration) it trusts only the PID issuers configured.
 * Every start-up failure is one line on stderr and a non-zero exit.
 */
import { parseArgs } from 'node:util';
import { prepareDataDir } from '../adapters/stores/data-dir.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { openIssuer } from '../issuer/open-issuer.js';
import { closeGracefully } from '../transports/http/close-gracefully.js';
import { listen } from '../transports/http/listen.js';
import { openDemoPidIssuer } from '../wallet/demo-pid-issuer.js';
import { runService } from './run-service.js';

function trustsSomeone(config: Config): boolean {
  return Boolean(config.trustedIssuers.file || config.trustedIssuers.url || config.trustedIssuers.issuers.length > 0);
}

runService('pdi-engine', async () => {
  const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false } }, strict: true });
  const base = loadConfig(process.env, values.demo ? { demo: true } : {});
  if (!base.demo && !trustsSomeone(base))
    throw new ConfigError(
      'no trusted PID issuer configured: set trustedIssuers (issuers, file or url) in CONFIG_FILE, or start with --demo to trust the demo PID provider',
    );
  prepareDataDir(base.dataDir);
  const pidIssuer = base.demo ? await openDemoPidIssuer(base.dataDir) : undefined;
  const config = pidIssuer
    ? {
        ...base,
        trustedIssuers: {
          ...base.trustedIssuers,
          issuers: [
            ...base.trustedIssuers.issuers,
            { issuer: pidIssuer.issuer, jwks: { keys: [pidIssuer.publicJwk as Record<string, unknown>] } },
          ],
        },
      }
    : base;
  const issuer = await openIssuer(config);
  const host = process.env.HOST ?? '127.0.0.1';
  const server = await listen(issuer.handle, {
    port: config.port,
    host,
    publicUrl: config.publicUrl,
    bodyLimitBytes: config.bodyLimitBytes,
    limits: config.http,
  }).catch(async (error: unknown) => {
    await issuer.close();
    throw error;
  });
  // Every 5 s the sessions whose deadline passed expire; every minute the ended ones past retention go.
  let expiring: Promise<number> = Promise.resolve(0);
  let ticks = 0;
  const expiry = setInterval(() => {
    const retain = ++ticks % 12 === 0;
    expiring = expiring
      .then(() => issuer.expireDue())
      .then(() => (retain ? issuer.retainEnded() : 0))
      .catch((error: unknown) => (console.error('expiry or retention failed', error), 0));
  }, 5000);

  console.log(`issuer ${config.publicUrl} listening on ${host}:${config.port}, data in ${config.dataDir}`);
  console.log(`  metadata: ${config.publicUrl}/.well-known/openid-credential-issuer`);
  console.log(
    `  credential signing key: ${issuer.context.keyRing.current().kid} (published at ${config.publicUrl}/.well-known/jwt-vc-issuer)`,
  );
  if (pidIssuer)
    console.log(
      `  DEMO MODE: trusts the demo PID provider ${pidIssuer.issuer} whose key is in ${config.dataDir}; never use this in production. Run \`npm run wallet\` in another terminal`,
    );

  return async () => {
    clearInterval(expiry);
    // Requests in flight are answered before the stores close under them; an expiry run in flight finishes too.
    await closeGracefully(server);
    await expiring;
    await issuer.close();
  };
});
