import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWalletKey } from '../../wallet/keys.js';
import { startCluster, type Cluster } from '../../testing/cluster.js';
import { untilCode, untilPdis, untilPresentation, untilToken } from '../../testing/flow-steps.js';

/** The attack catalogue's core, against two engine processes on JetStream behind the NATS gateway. */
describe('attacks against the NATS set-up', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(2);
  }, 60_000);
  afterAll(() => cluster.stop());

  it('P-20 fixation: a pdis from session A is refused with the auth_session of session B', async () => {
    const a = await untilPdis(await cluster.wallet());
    const mallory = await cluster.wallet();
    const b = await untilPresentation(mallory);
    expect(
      (await mallory.challenge({ auth_session: b.authSession, presentation_during_issuance_session: a.pdis })).body
        .error,
    ).toBe('invalid_request');
  });

  it('FiPA §9.6.1: the second challenge with another DPoP key is refused', async () => {
    const wallet = await cluster.wallet();
    const { authSession, pdis } = await untilPdis(wallet);
    expect(
      (
        await wallet.challenge(
          { auth_session: authSession, presentation_during_issuance_session: pdis },
          { dpopKey: await generateWalletKey() },
        )
      ).body.error,
    ).toBe('invalid_dpop_proof');
  });

  it('P-41: a presentation for another nonce is refused', async () => {
    const wallet = await cluster.wallet();
    const { request } = await untilPresentation(wallet);
    expect((await wallet.respond(request, { nonce: 'a-nonce-of-another-verifier-0001' })).body.error).toBe(
      'invalid_request',
    );
  });

  it('RFC 6749 §4.1.2: a code used twice is refused on any instance and revokes the token', async () => {
    const wallet = await cluster.wallet();
    const { code, accessToken } = await untilToken(wallet);
    for (let i = 0; i < 3; i++) expect((await wallet.token(code)).body.error).toBe('invalid_grant');
    expect(
      (await wallet.credential(accessToken, { configurationId: 'demo_membership', cNonce: await wallet.nonce() })).body
        .error,
    ).toBe('invalid_token');
  });

  it('OpenID4VCI §13.8: a c_nonce accepted by one instance is refused by every other (cluster-wide replay cache)', async () => {
    const wallet = await cluster.wallet();
    const { accessToken } = await untilToken(wallet, { scope: 'membership' });
    const cNonce = await wallet.nonce();
    expect((await wallet.credential(accessToken, { configurationId: 'demo_membership', cNonce })).status).toBe(200);
    const other = await cluster.wallet();
    const second = await untilToken(other);
    for (let i = 0; i < 3; i++)
      expect(
        (await other.credential(second.accessToken, { configurationId: 'demo_membership', cNonce })).body.error,
      ).toBe('invalid_nonce');
  });

  it('PDI-DE: a pdis is single use across instances', async () => {
    const wallet = await cluster.wallet();
    const { authSession, pdis } = await untilCode(wallet);
    for (let i = 0; i < 3; i++)
      expect(
        (await wallet.challenge({ auth_session: authSession, presentation_during_issuance_session: pdis })).body.error,
      ).toBe('invalid_session');
  });
});
