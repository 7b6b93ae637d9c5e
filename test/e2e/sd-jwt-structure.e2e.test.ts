import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWalletKey } from '../../wallet/keys.js';
import { craftCredential, craftPresentation, digestOf, disclosure } from '../support/crafted-sd-jwt.js';
import { untilPresentation } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

/** PIDs shaped by hand, signed by the trusted demo PID provider, presented over real HTTP (CF-20, SD-JWT §7.1). */
describe('the structure of a presented SD-JWT', () => {
  let server: RunningIssuer;
  let signingKey: { privateKey: CryptoKey; x5c: string[] };
  /** The demo person's status list entry, served by the demo issuer (E-50: a PID without one is refused). */
  let status: { status_list: { uri: string; idx: number } };
  beforeAll(async () => {
    server = await startIssuer();
    const provider = JSON.parse(readFileSync(join(server.dataDir, 'demo-pid-provider.json'), 'utf8')) as {
      leafPrivateJwk: JWK;
      x5c: string[];
    };
    signingKey = { privateKey: (await importJWK(provider.leafPrivateJwk, 'ES256')) as CryptoKey, x5c: provider.x5c };
    status = { status_list: { uri: `${server.url}/demo/pid-provider/status/0`, idx: 0 } };
  });
  afterAll(() => server.stop());

  async function presentCrafted(payload: Record<string, unknown>, disclosures: string[]) {
    const wallet = await server.wallet();
    const { request } = await untilPresentation(wallet);
    const holder = await generateWalletKey();
    const credential = await craftCredential(
      { ...payload, status },
      {
        issuer: server.pidIssuer.issuer,
        signingKey,
        holderJwk: holder.publicJwk,
        now: server.clock.now,
      },
    );
    const vpToken = await craftPresentation(credential, disclosures, holder, {
      nonce: request.nonce,
      audience: request.clientId,
      now: server.clock.now,
    });
    return wallet.respond(request, { vpToken });
  }

  it('CF-20, SD-JWT §7.1: a disclosed given_name clashing with the signed one is refused, so it can never reach the new credential', async () => {
    const family = disclosure('family_name', 'Mustermann');
    const birthdate = disclosure('birthdate', '1984-01-26');
    const forged = disclosure('given_name', 'Mallory');
    const answer = await presentCrafted(
      { given_name: 'Erika', _sd: [digestOf(family), digestOf(birthdate), digestOf(forged)] },
      [family, birthdate, forged],
    );
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
  });

  it('SD-JWT §7.1: a PID with recursive disclosures (address.locality inside a disclosed address) is accepted', async () => {
    const given = disclosure('given_name', 'Erika');
    const family = disclosure('family_name', 'Mustermann');
    const birthdate = disclosure('birthdate', '1984-01-26');
    const locality = disclosure('locality', 'Berlin');
    const address = disclosure('address', { country: 'DE', _sd: [digestOf(locality)] });
    const answer = await presentCrafted(
      { _sd: [digestOf(given), digestOf(family), digestOf(birthdate), digestOf(address)] },
      [given, family, birthdate, address, locality],
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.presentation_during_issuance_session).toBeDefined();
  });
});
