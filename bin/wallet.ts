#!/usr/bin/env node
/**
 * `npm run wallet`: the reference wallet against a running demo issuer (PUBLIC_URL,
 * DATA_DIR as for `npm start`). It gets a PID from the demo PID provider, then runs the
 * seed's flow and prints each step and the credential it received.
 */
import { decodeSdJwt } from '@sd-jwt/decode';
import { digest } from '@sd-jwt/crypto-nodejs';
import { loadConfig } from '../config/load.js';
import { DEMO_PERSON, openDemoPidIssuer } from '../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../wallet/keys.js';
import { ReferenceWallet } from '../wallet/reference-wallet.js';

const config = loadConfig();
const [configurationId, configuration] = Object.entries(config.credentialConfigurations)[0]!;
const pidIssuer = await openDemoPidIssuer(config.dataDir);
const holderKey = await generateWalletKey();
const pid = await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
console.log(`wallet holds a PID from ${pidIssuer.issuer} for ${DEMO_PERSON.given_name} ${DEMO_PERSON.family_name}\n`);

const wallet = await ReferenceWallet.create({ issuerUrl: config.publicUrl, pid, holderKey });
const metadata = await wallet.metadata();
console.log(
  `step 3: issuer metadata → ${metadata.issuer.status}, authorization_challenge_endpoint ${String(metadata.authorizationServer.body.authorization_challenge_endpoint)}`,
);
const credential = await wallet.runFlow({
  scope: configuration.scope,
  configurationId,
  onStep: (step, detail) => console.log(`step ${step}\n    ${JSON.stringify(detail).slice(0, 160)}`),
});
const decoded = await decodeSdJwt(credential, digest);
console.log('\ncredential received (SD-JWT VC):');
console.log(`  header:  ${JSON.stringify(decoded.jwt.header)}`);
console.log(`  payload: ${JSON.stringify(decoded.jwt.payload)}`);
console.log(
  `  disclosed claims: ${JSON.stringify(Object.fromEntries(decoded.disclosures.map((d) => [d.key, d.value])))}`,
);
