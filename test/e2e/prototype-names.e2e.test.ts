import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

/** Names every JavaScript object answers to are never credential configurations (issue 10 §5). */
describe('credential configuration ids are only the configured ones', () => {
  const adminToken = 'admin-token-for-tests-000002';
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ adminToken });
  });
  afterAll(() => server.stop());

  it('OpenID4VCI §5.1.1, issue 10 §5: authorization_details naming constructor, __proto__, toString open no session', async () => {
    const wallet = await server.wallet();
    for (const id of NAMES) {
      const answer = await wallet.challenge({
        authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: id }]),
      });
      expect([answer.status, answer.body.error, answer.body.auth_session], id).toEqual([
        400,
        'invalid_request',
        undefined,
      ]);
    }
  });

  it('OpenID4VCI §4.1.1, issue 10 §5: an offer for such a name is refused, not created', async () => {
    for (const id of NAMES) {
      const answer = await fetch(`${server.url}/admin/offers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ credential_configuration_ids: [id] }),
      });
      expect(answer.status, id).toBe(400);
      expect(((await answer.json()) as { error: string }).error, id).toBe('unknown_credential_configuration');
    }
  });

  it('OpenID4VCI §8.3.1.2, issue 10 §5: at the credential endpoint such a name is unknown_credential_configuration and burns no c_nonce', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const cNonce = await wallet.nonce();
    for (const id of NAMES) {
      const answer = await wallet.credential(accessToken, { configurationId: id, cNonce });
      expect([answer.status, answer.body.error], id).toEqual([400, 'unknown_credential_configuration']);
    }
    const issued = await wallet.credential(accessToken, { configurationId: 'demo_membership', cNonce });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
  });
});
