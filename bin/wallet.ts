#!/usr/bin/env node
/**
 * `npm run wallet`: the reference wallet against a running demo issuer (PUBLIC_URL,
 * DATA_DIR as for `npm start`). It gets a PID from the demo PID provider, then runs the
 * flow in the dialect asked for (`--dialect l`, the seed's flow, by default; `s1`/`s2`, the IAE of
 * the second issuer identifier, which the issuer must enable; `s3`, Interactive Authorization on
 * the challenge endpoint) and prints each step and the credential. `--browser` (issue 15): the wallet
 * offers only the browser step (S3 unless `--dialect s1|s2`), prints the browser step's page for a
 * person to watch (`--wait <seconds>` before it presents, default 0), presents the page's request as a
 * second device would, and redeems the code of the redirect; `--par` starts it with a pushed
 * authorization request (RFC 9126) instead.
 */
import { parseArgs } from 'node:util';
import { decodeSdJwt } from '@sd-jwt/decode';
import { digest } from '@sd-jwt/crypto-nodejs';
import { loadConfig } from '../config/load.js';
import { DEMO_PERSON, openDemoPidIssuer } from '../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../wallet/keys.js';
import { runBrowserFlow } from '../wallet/browser-flow.js';
import { runInteractiveFlow } from '../wallet/interactive-flow.js';
import { ReferenceWallet } from '../wallet/reference-wallet.js';

const DIALECTS = ['l', 's1', 's2', 's3'] as const;
const { values } = parseArgs({
  options: {
    dialect: { type: 'string' },
    browser: { type: 'boolean', default: false },
    par: { type: 'boolean', default: false },
    wait: { type: 'string', default: '0' },
  },
  strict: true,
});
const dialect = (values.dialect ?? (values.browser ? 's3' : 'l')) as (typeof DIALECTS)[number];
if (!DIALECTS.includes(dialect)) {
  console.error(`--dialect must be one of ${DIALECTS.join(', ')}`);
  process.exit(2);
}
if (values.par && !values.browser) {
  console.error('--par starts the browser fallback: use it with --browser');
  process.exit(2);
}
if (values.browser && dialect === 'l') {
  console.error('--browser needs --dialect s1, s2 or s3: the seed flow has no browser step');
  process.exit(2);
}
if (!/^\d{1,3}$/.test(values.wait)) {
  console.error('--wait must be a number of seconds (0 to 999)');
  process.exit(2);
}

const config = loadConfig();
const [configurationId, configuration] = Object.entries(config.credentialConfigurations)[0]!;
const pidIssuer = await openDemoPidIssuer(config.dataDir, config.publicUrl);
const holderKey = await generateWalletKey();
const pid = await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
console.log(`wallet holds a PID from ${pidIssuer.issuer} for ${DEMO_PERSON.given_name} ${DEMO_PERSON.family_name}\n`);

const wallet = await ReferenceWallet.create({ issuerUrl: config.publicUrl, pid, holderKey });
const metadata = await wallet.metadata();
console.log(
  `step 3: issuer metadata → ${metadata.issuer.status}, authorization_challenge_endpoint ${String(metadata.authorizationServer.body.authorization_challenge_endpoint)}`,
);
const flow = {
  scope: configuration.scope,
  configurationId,
  onStep: (step: string, detail: unknown) => console.log(`step ${step}\n    ${JSON.stringify(detail).slice(0, 160)}`),
};
const interactive = dialect === 's1' ? 'S1' : dialect === 's2' ? 'S2' : 'S3';
const waitMs = Number(values.wait) * 1000;
const run = values.browser
  ? runBrowserFlow(wallet, {
      ...flow,
      dialect: interactive,
      par: values.par,
      // RFC 8252 §7.3: a native app's loopback redirect; this wallet reads the redirect itself.
      redirectUri: 'http://127.0.0.1/wallet/callback',
      onPage: async (page) => {
        console.log(`\nbrowser step: open ${page} to watch it; presenting in ${values.wait} s\n`);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      },
    })
  : dialect === 'l'
    ? wallet.runFlow(flow)
    : runInteractiveFlow(wallet, { ...flow, dialect: interactive });
const credential = await run.catch((error: Error) => {
  // A refused step (e.g. a revoked PID: `npm run demo-pid -- revoke`) is one readable line and exit code 1.
  console.error(`flow refused: ${error.message}`);
  process.exit(1);
});
const decoded = await decodeSdJwt(credential, digest);
console.log('\ncredential received (SD-JWT VC):');
console.log(`  header:  ${JSON.stringify(decoded.jwt.header)}`);
console.log(`  payload: ${JSON.stringify(decoded.jwt.payload)}`);
console.log(
  `  disclosed claims: ${JSON.stringify(Object.fromEntries(decoded.disclosures.map((d) => [d.key, d.value])))}`,
);
