#!/usr/bin/env node
/** `npm run rotate-keys`: a new credential-signing key becomes current; the old public keys stay published. */
import { KeyRing } from '../adapters/keys/keyring.js';
import { loadConfig } from '../config/load.js';

const config = loadConfig();
const keyRing = await KeyRing.open(config.dataDir, { now: Date.now(), subjectDns: new URL(config.publicUrl).hostname });
const before = keyRing.current().kid;
await keyRing.rotate(Date.now());
console.log(
  `signing key ${before} → ${keyRing.current().kid}; published keys: ${keyRing
    .jwks()
    .keys.map((k) => k.kid)
    .join(', ')}`,
);
console.log('restart the issuer to sign with the new key');
