#!/usr/bin/env node
/**
 * `npm run offer -- <credential_configuration_id>... [--by-value]`: create a credential offer
 * (OpenID4VCI §4.1) on the issuer's data directory and print its URI.
 */
import { join } from 'node:path';
import { randomIds } from '../adapters/ids/random-ids.js';
import { KeyRing } from '../adapters/keys/keyring.js';
import { IssuerStates } from '../protocol/openid4vci/issuer-state.js';
import { SqliteOfferStore } from '../adapters/stores/sqlite/offer-store.js';
import { loadConfig } from '../config/load.js';
import { createOffer } from '../protocol/endpoints/offers.js';

const args = process.argv.slice(2);
const byValue = args.includes('--by-value');
const ids = args.filter((arg) => !arg.startsWith('--'));
const config = loadConfig();
if (config.nats) {
  // With NATS the offers and the key ring are the engines' (JetStream), not this data directory's.
  console.error(
    'with nats, offers live in JetStream: create them with POST /admin/offers (the admin token) on the issuer',
  );
  process.exit(2);
}
const keyRing = await KeyRing.open(config.dataDir, { now: Date.now(), subjectDns: new URL(config.publicUrl).hostname });
const issuerStates = new IssuerStates(keyRing.derivedSecret('issuer_state'), randomIds);
const offers = new SqliteOfferStore(join(config.dataDir, 'state.sqlite'));
try {
  const links = await createOffer(
    { config, offers, issuerStates, now: Date.now },
    ids.length > 0 ? ids : Object.keys(config.credentialConfigurations).slice(0, 1),
    !byValue,
  );
  console.log(links.offerUri);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await offers.close();
}
