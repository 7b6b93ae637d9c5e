/**
 * What the trust checks of issue 14 cost per flow, on this machine: the presented PID's status
 * check (E-50) with a warm cache (the list verified once, then read from memory) and with a cold
 * one (fetched from a real HTTP server, verified through the PID issuer's X.509 trust, decompressed),
 * and the validation of a PID's x5c chain (E-30). Also counts the status list fetches the warm
 * checks made: the hot path must not fetch per flow.
 *
 *   npx tsx bench/trust-checks.ts [-- --warm 5000 --cold 200 --chains 1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { configuredTrust } from '../adapters/trust/configured-trust.js';
import { X509Anchors } from '../adapters/trust/x509-anchors.js';
import { verifyIssuerChain } from '../adapters/trust/x509-chain.js';
import { loadConfig } from '../config/load.js';
import { PublicKeyImports } from '../protocol/jose/key-cache.js';
import { PidStatusCheck } from '../protocol/openid4vp/pid-status.js';
import { DEMO_PERSON, openDemoPidIssuer, trustingDemoPidProvider } from '../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../wallet/keys.js';

const { values } = parseArgs({
  options: {
    warm: { type: 'string', default: '5000' },
    cold: { type: 'string', default: '200' },
    chains: { type: 'string', default: '1000' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'pdi-bench-trust-'));
let fetches = 0;
const server = createServer(async (_, response) => {
  fetches += 1;
  response
    .writeHead(200, { 'Content-Type': 'application/statuslist+jwt' })
    .end(await provider.statusList(0, Date.now()));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const provider = await openDemoPidIssuer(dir, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
const config = trustingDemoPidProvider(loadConfig({}, { dataDir: dir }), provider);
const trust = configuredTrust(config, Date.now).pidIssuers;
const pid = await provider.issuePid((await generateWalletKey()).publicJwk, DEMO_PERSON, Date.now());
const issuerJwt = pid.split('~')[0]!;
const payload = decodeJwt(issuerJwt) as Record<string, unknown>;
const checkOf = () =>
  new PidStatusCheck({ settings: config.verifier.pidStatus, trust, keyImports: new PublicKeyImports(), now: Date.now });

async function perCall(count: number, run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await run();
  return (performance.now() - started) / count;
}

const warm = checkOf();
await warm.check(provider.issuer, payload);
fetches = 0;
const warmMs = await perCall(Number(values.warm), () => warm.check(provider.issuer, payload));
const warmFetches = fetches;
const coldMs = await perCall(Number(values.cold), () => checkOf().check(provider.issuer, payload));
const anchors = new X509Anchors([provider.anchorFile]);
const x5c = decodeProtectedHeader(issuerJwt).x5c!;
const chainMs = await perCall(Number(values.chains), () =>
  verifyIssuerChain(x5c, { issuer: provider.issuer, anchors: anchors.current(), now: Date.now() }),
);
const header = { header: decodeProtectedHeader(issuerJwt) as { x5c?: string[] }, now: Date.now() };
const keptMs = await perCall(Number(values.chains), () => trust.keysFor(provider.issuer, header));
console.log('trust checks per presented PID (one process, sequential):');
console.log(
  `  status check, warm cache:  ${(warmMs * 1000).toFixed(1)} µs  (${warmFetches} fetches in ${values.warm} checks)`,
);
console.log(
  `  status check, cold cache:  ${coldMs.toFixed(2)} ms  (fetch over loopback HTTP, x5c-verified, decompressed)`,
);
console.log(
  `  x5c chain validation:      ${chainMs.toFixed(2)} ms  (leaf + issuing CA to the anchor, anchors re-stat'ed)`,
);
console.log(`  x5c chain, kept:           ${(keptMs * 1000).toFixed(1)} µs  (validated once, reused while it holds)`);
server.close();
rmSync(dir, { recursive: true, force: true });
