#!/usr/bin/env node
/**
 * `npm run rotate-keys`: a new credential-signing key becomes current; the old public keys stay
 * published. With `nats.keyRing.source: nats` the ring in NATS is rotated (a revision-checked
 * update) and every running engine takes it at once; with the key file, engines take it at restart.
 */
import { KeyRing } from '../adapters/keys/keyring.js';
import { openNatsKeyRing } from '../adapters/keys/nats-key-ring.js';
import { loadConfig } from '../config/load.js';
import { connectToNats } from '../transports/nats/connection.js';

try {
  const config = loadConfig();
  const now = Date.now();
  const nats = config.nats?.keyRing.source === 'nats' ? config.nats : undefined;
  const nc = nats && (await connectToNats(nats, 'pdi-rotate-keys', console.error));
  try {
    const keyRing =
      nc && nats
        ? (await openNatsKeyRing(nc, config, nats, { now, watch: false })).keys
        : await KeyRing.open(config.dataDir, { now, subjectDns: new URL(config.publicUrl).hostname });
    const before = keyRing.current().kid;
    await keyRing.rotate(now);
    const published = keyRing
      .jwks()
      .keys.map((k) => k.kid)
      .join(', ');
    console.log(`signing key ${before} → ${keyRing.current().kid}; published keys: ${published}`);
    console.log(
      nc
        ? 'every engine on the key ring in NATS signs with the new key now'
        : 'restart the issuer to sign with the new key',
    );
  } finally {
    await nc?.drain();
  }
} catch (error) {
  console.error(`rotate-keys: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
