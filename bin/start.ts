#!/usr/bin/env node
/**
 * `npm start` (which passes --demo): the issuer on the embedded SQLite default. Without
 * --demo (or `demo: true` in the configuration) it trusts only the PID issuers configured.
 * Every start-up failure is one line on stderr and a non-zero exit.
 */
import { parseArgs } from 'node:util';
import { prepareDataDir } from '../adapters/stores/data-dir.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createIssuer, sqlitePreset } from '../issuer/index.js';
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
  // The transports wrap the issuer from the outside: NATS (when configured) and HTTP.
  const nats = config.nats && (await (await import('./nats-host.js')).openNatsHost(config, config.nats));
  const ports = nats ? nats.ports : await sqlitePreset(config);
  // The pkcs11 block moves signing to a token; pkcs11js (an optional dependency) is loaded only then.
  const pkcs11 = config.pkcs11 && (await import('../adapters/keys/pkcs11/index.js'));
  const subjectDns = new URL(config.publicUrl).hostname;
  const token =
    pkcs11 && (await pkcs11.openConfiguredTokenKeys(config.pkcs11!, ports.keys, { subjectDns, now: Date.now() }));
  const keys = token ? token.keys : ports.keys;
  const issuer = createIssuer({ config, ...ports, keys, ...(nats && { onAccepted: nats.onAccepted }) });
  const service = nats?.serve(issuer);
  const stop = async () => {
    await service?.close();
    await issuer.stop();
    await token?.close();
    await nats?.close();
  };
  const host = process.env.HOST ?? '127.0.0.1';
  const server = await listen(issuer.handle, {
    port: config.port,
    host,
    publicUrl: config.publicUrl,
    bodyLimitBytes: config.bodyLimitBytes,
    limits: config.http,
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  issuer.start();

  console.log(`issuer ${config.publicUrl} listening on ${host}:${config.port}, data in ${config.dataDir}`);
  console.log(`  metadata: ${config.publicUrl}/.well-known/openid-credential-issuer`);
  console.log(
    `  credential signing key: ${keys.credentialSigner().kid}${token ? ` on PKCS#11 token ${config.pkcs11!.tokenLabel}` : ''} (published at ${config.publicUrl}/.well-known/jwt-vc-issuer)`,
  );
  if (pidIssuer)
    console.log(
      `  DEMO MODE: trusts the demo PID provider ${pidIssuer.issuer} whose key is in ${config.dataDir}; never use this in production. Run \`npm run wallet\` in another terminal`,
    );

  return async () => {
    // Requests in flight are answered before the stores close under them; an expiry run in flight finishes too.
    await closeGracefully(server);
    await stop();
  };
});
