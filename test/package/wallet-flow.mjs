/**
 * `node wallet-flow.mjs <issuer URL> <PID provider directory> <status base URL>`, run inside a project
 * that installed the packed pdi-engine: the reference wallet of the package gets a PID from the demo
 * PID provider (its status list served at the status base URL) and runs the whole flow; prints the
 * credential it received as one JSON line.
 */
import { DEMO_CREDENTIALS } from 'pdi-engine';
import { DEMO_PERSON, generateWalletKey, openDemoPidIssuer, ReferenceWallet } from 'pdi-engine/wallet';

const [issuerUrl, pidDir, statusBaseUrl] = process.argv.slice(2);
const pidIssuer = await openDemoPidIssuer(pidDir, statusBaseUrl);
const holderKey = await generateWalletKey();
const pid = await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
const wallet = await ReferenceWallet.create({ issuerUrl, pid, holderKey });
const [configurationId, configuration] = Object.entries(DEMO_CREDENTIALS)[0];
const credential = await wallet.runFlow({ scope: configuration.scope, configurationId });
console.log(JSON.stringify({ credential }));
