/** `npm start`: the issuer on the embedded SQLite default, with the demo configuration unless configured otherwise. */
import { loadConfig } from '../config/load.js';
import { openIssuer } from '../protocol/open-issuer.js';
import { startNodeServer } from '../transports/http/node-server.js';
import { openDemoPidIssuer } from '../wallet/demo-pid-issuer.js';

const base = loadConfig();
const demo = !base.trustedIssuers.file && !base.trustedIssuers.url && base.trustedIssuers.issuers.length === 0;
const pidIssuer = demo ? await openDemoPidIssuer(base.dataDir) : undefined;
const config = pidIssuer
  ? { ...base, trustedIssuers: { ...base.trustedIssuers, issuers: [{ issuer: pidIssuer.issuer, jwks: { keys: [pidIssuer.publicJwk as Record<string, unknown>] } }] } }
  : base;
const issuer = await openIssuer(config);
const server = await startNodeServer(issuer.handle, { port: config.port, host: process.env.HOST ?? '127.0.0.1', publicUrl: config.publicUrl, bodyLimitBytes: config.bodyLimitBytes });
let expiring: Promise<unknown> = Promise.resolve();
const expiry = setInterval(() => {
  expiring = issuer.expireDue().catch((error) => console.error('expiry failed', error));
}, 5000);

console.log(`issuer ${config.publicUrl} listening on port ${config.port}, data in ${config.dataDir}`);
console.log(`  metadata: ${config.publicUrl}/.well-known/openid-credential-issuer`);
console.log(`  credential signing key: ${issuer.context.keyRing.current().kid} (published at ${config.publicUrl}/.well-known/jwt-vc-issuer)`);
if (pidIssuer) console.log(`  demo mode: trusts the demo PID provider ${pidIssuer.issuer}; run \`npm run wallet\` in another terminal`);

async function stop() {
  clearInterval(expiry);
  server.close();
  // An expiry run in flight finishes before the stores close under it.
  await expiring;
  await issuer.close();
  process.exit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
