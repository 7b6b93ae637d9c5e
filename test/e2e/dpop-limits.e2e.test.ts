import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dpopProof, generateWalletKey } from '../../wallet/keys.js';
import { untilCode, untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

/** A DPoP proof whose header names `jwk` and whose signature is random bytes. */
function withKey(jwk: Record<string, unknown>, alg: string, claims: Record<string, unknown>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ typ: 'dpop+jwt', alg, jwk })}.${encode({ jti: randomUUID(), ...claims })}.${randomBytes(256).toString('base64url')}`;
}

describe('DPoP proofs at the running issuer (issue 10 §4, RFC 9449 §4.3, §11.1)', () => {
  let server: RunningIssuer;
  let hugeExponent: Record<string, unknown>;
  beforeAll(async () => {
    server = await startIssuer();
    const { publicKey } = await generateKeyPair('PS256', { modulusLength: 2048, extractable: true });
    hugeExponent = { ...(await exportJWK(publicKey)), e: randomBytes(384).toString('base64url') };
  });
  afterAll(() => server.stop());
  const iat = () => Math.floor(server.clock.now / 1000);

  it('issue 10 §4: an RSA DPoP key with a 3,070-bit exponent is invalid_dpop_proof at the token (400) and credential (401) endpoints', async () => {
    const wallet = await server.wallet();
    const { code, accessToken } = await untilToken(wallet);
    const token = await wallet.form(
      `${server.url}/token`,
      { grant_type: 'authorization_code', code, client_id: wallet.clientId },
      {
        dpopKey: null,
        headers: { DPoP: withKey(hugeExponent, 'PS256', { htm: 'POST', htu: `${server.url}/token`, iat: iat() }) },
      },
    );
    expect([token.status, token.body.error]).toEqual([400, 'invalid_dpop_proof']);
    const credential = await wallet.credential(
      accessToken,
      { configurationId: 'demo_membership', cNonce: await wallet.nonce() },
      {
        dpopKey: null,
        headers: { DPoP: withKey(hugeExponent, 'PS256', { htm: 'POST', htu: `${server.url}/credential`, iat: iat() }) },
      },
    );
    expect([credential.status, credential.body.error]).toEqual([401, 'invalid_dpop_proof']);
    expect(credential.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof", algs="/);
  });

  it("RFC 9449 §11.1, issue 10 §4: a forged proof carrying a genuine proof's jti is refused and does not burn that jti", async () => {
    const wallet = await server.wallet();
    const { code } = await untilCode(wallet);
    const url = `${server.url}/token`;
    const genuine = await dpopProof(wallet.dpopKey, {
      method: 'POST',
      url,
      now: server.clock.now,
      jti: 'jti-seen-on-the-wire',
    });
    const attacker = await generateWalletKey();
    const forged = await new SignJWT({ htm: 'POST', htu: url, iat: iat(), jti: 'jti-seen-on-the-wire' })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: wallet.dpopKey.publicJwk })
      .sign(attacker.privateKey);
    const form = { grant_type: 'authorization_code', code, client_id: wallet.clientId };
    const refused = await wallet.form(url, form, { dpopKey: null, headers: { DPoP: forged } });
    expect([refused.status, refused.body.error]).toEqual([400, 'invalid_dpop_proof']);
    const accepted = await wallet.form(url, form, { dpopKey: null, headers: { DPoP: genuine } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  });
});
