import { digest } from '@sd-jwt/crypto-nodejs';
import { decodeSdJwt } from '@sd-jwt/decode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../config/load.js';
import { generateWalletKey, type WalletKey } from '../../wallet/keys.js';
import type { ReferenceWallet } from '../../wallet/reference-wallet.js';
import { untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

const membership = DEMO_CREDENTIALS.demo_membership!;
const configurations = {
  ...DEMO_CREDENTIALS,
  second_card: { ...membership, scope: 'second', vct: 'urn:example:second:1' },
};
const keys = (n: number) => Promise.all(Array.from({ length: n }, () => generateWalletKey()));

async function claimsOf(credential: unknown): Promise<Record<string, unknown>> {
  const decoded = await decodeSdJwt(String(credential), digest);
  return Object.fromEntries(decoded.disclosures.map((d) => [d.key, d.value]));
}

async function request(wallet: ReferenceWallet, accessToken: string, configurationId: string, proofKeys?: WalletKey[]) {
  return wallet.credential(accessToken, {
    configurationId,
    cNonce: await wallet.nonce(),
    ...(proofKeys && { proofKeys }),
  });
}

describe('issuance per grant without batch issuance (I-40, OpenID4VCI §8.2, §12.2.4)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ credentialConfigurations: configurations });
  });
  afterAll(() => server.stop());

  it('OpenID4VCI §12.2.4: no batch_credential_issuance is advertised unless configured', async () => {
    const { issuer } = await (await server.wallet()).metadata();
    expect(issuer.body).not.toHaveProperty('batch_credential_issuance');
  });

  it('OpenID4VCI §8.2, §12.2.4: eight proof keys without batch issuance are invalid_credential_request, and spend no c_nonce', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const cNonce = await wallet.nonce();
    const eight = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce,
      proofKeys: await keys(8),
    });
    expect([eight.status, eight.body.error]).toEqual([400, 'invalid_credential_request']);
    const one = await wallet.credential(accessToken, { configurationId: 'demo_membership', cNonce });
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(one.body.credentials).toHaveLength(1);
  });

  it('I-40, OpenID4VCI §8.3.1.2: each configuration of a two-configuration grant is issued once; asking again is credential_request_denied', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet, { scope: 'membership second' });
    expect((await request(wallet, accessToken, 'demo_membership')).status).toBe(200);
    const again = await request(wallet, accessToken, 'demo_membership');
    expect([again.status, again.body.error]).toEqual([400, 'credential_request_denied']);
    expect((await request(wallet, accessToken, 'second_card')).status).toBe(200);
    for (const configurationId of ['demo_membership', 'second_card']) {
      const used = await request(wallet, accessToken, configurationId);
      expect([used.status, used.body.error]).toEqual([400, 'credential_request_denied']);
    }
  });
});

describe('batch issuance when configured (OpenID4VCI §12.2.4)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ credentialConfigurations: configurations, policy: { batchSize: 3 } });
  });
  afterAll(() => server.stop());

  it('OpenID4VCI §12.2.4, I-40: batch_size is advertised; up to batch_size keys get one credential each, more are refused, and only once per grant', async () => {
    const wallet = await server.wallet();
    const { issuer } = await wallet.metadata();
    expect(issuer.body.batch_credential_issuance).toEqual({ batch_size: 3 });
    const { accessToken } = await untilToken(wallet);
    const four = await request(wallet, accessToken, 'demo_membership', await keys(4));
    expect([four.status, four.body.error]).toEqual([400, 'invalid_credential_request']);
    const three = await keys(3);
    const batch = await request(wallet, accessToken, 'demo_membership', three);
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    const credentials = batch.body.credentials as Array<{ credential: string }>;
    const bound = await Promise.all(
      credentials.map(async ({ credential }) => (await decodeSdJwt(credential, digest)).jwt.payload.cnf),
    );
    expect(bound).toEqual(three.map((key) => ({ jwk: key.publicJwk })));
    expect((await request(wallet, accessToken, 'demo_membership')).body.error).toBe('credential_request_denied');
  });
});

describe('authorization_details claims (OpenID4VCI §5.1.1; seed 002 §3.3 data minimisation)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ credentialConfigurations: configurations });
  });
  afterAll(() => server.stop());
  const details = (entries: unknown[]) => ({ authorization_details: JSON.stringify(entries) });

  it('OpenID4VCI §5.1.1, seed 002 §3.3: only the claims listed in authorization_details are issued, per configuration', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(
      wallet,
      details([
        {
          type: 'openid_credential',
          credential_configuration_id: 'demo_membership',
          claims: [{ path: ['given_name'] }, { path: ['birthdate'], mandatory: true }],
        },
        { type: 'openid_credential', credential_configuration_id: 'second_card' },
      ]),
    );
    const limited = await request(wallet, accessToken, 'demo_membership');
    expect(limited.status, JSON.stringify(limited.body)).toBe(200);
    expect(await claimsOf((limited.body.credentials as Array<{ credential: string }>)[0]!.credential)).toEqual({
      given_name: 'Erika',
      birthdate: '1984-01-26',
    });
    const full = await request(wallet, accessToken, 'second_card');
    expect(
      Object.keys(await claimsOf((full.body.credentials as Array<{ credential: string }>)[0]!.credential)).sort(),
    ).toEqual(['birthdate', 'family_name', 'given_name']);
  });

  it('OpenID4VCI §5.1.1, App. B.2: a claim the configuration does not issue, or a nested path, is invalid_request at the challenge', async () => {
    const wallet = await server.wallet();
    for (const claims of [
      [{ path: ['nationality'] }],
      [{ path: ['given_name', 'x'] }],
      [{ path: [0] }],
      [{ path: ['__proto__'] }],
      [],
    ]) {
      const answer = await wallet.challenge(
        details([{ type: 'openid_credential', credential_configuration_id: 'demo_membership', claims }]),
      );
      expect([answer.status, answer.body.error], JSON.stringify(claims)).toEqual([400, 'invalid_request']);
    }
  });
});
