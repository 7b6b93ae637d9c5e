import { digest } from '@sd-jwt/crypto-nodejs';
import { decodeSdJwt } from '@sd-jwt/decode';
import { CompactEncrypt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import type { ResponseEncryptionRequest } from '../../wallet/credential-encryption.js';
import { dpopProof, keyProof } from '../../wallet/keys.js';
import type { ReferenceWallet } from '../../wallet/reference-wallet.js';

const refusal = (answer: { status: number; body: Record<string, unknown> }) => [answer.status, answer.body.error];

/** A wallet with a token, asking for its credential with `encryption`. */
async function credentialWith(server: RunningIssuer, encryption?: ResponseEncryptionRequest) {
  const wallet = await server.wallet();
  const { accessToken } = await untilToken(wallet);
  const answer = await wallet.credential(accessToken, {
    configurationId: 'demo_membership',
    cNonce: await wallet.nonce(),
    ...(encryption && { encryption }),
  });
  return { wallet, accessToken, answer };
}

describe('credential response encryption offered (seed P-10; OpenID4VCI 1.0 §8.2, §8.3, §10, §12.2.4)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer();
  });
  afterAll(() => server.stop());

  it('P-10, §12.2.4: the metadata advertises credential_request_encryption and credential_response_encryption', async () => {
    const { issuer } = await (await server.wallet()).metadata();
    expect(issuer.body.credential_response_encryption).toEqual({
      alg_values_supported: ['ECDH-ES'],
      enc_values_supported: ['A128GCM', 'A256GCM'],
      encryption_required: false,
    });
    const request = issuer.body.credential_request_encryption as { jwks: { keys: JWK[] } };
    expect(request).toMatchObject({ enc_values_supported: ['A128GCM', 'A256GCM'], encryption_required: false });
    // §12.2.4: each key has a kid; §10: and the alg the wallet uses.
    expect(request.jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ECDH-ES' })]);
    expect(request.jwks.keys[0]!.kid).toEqual(expect.any(String));
    expect(request.jwks.keys[0]).not.toHaveProperty('d');
  });

  it.each(['A128GCM', 'A256GCM'])(
    'P-10, §8.3, §10: an encrypted response (%s) decrypted by the reference wallet',
    async (enc) => {
      const { wallet, answer } = await credentialWith(server, { enc });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/jwt');
      const credentials = answer.body.credentials as { credential: string }[];
      expect(credentials).toHaveLength(1);
      const decoded = await decodeSdJwt(credentials[0]!.credential, digest);
      expect(decoded.jwt.payload).toMatchObject({ cnf: { jwk: wallet.options.holderKey.publicJwk } });
    },
  );

  it('§10: the response JWE is ECDH-ES with the enc asked for and the kid of the wallet’s key', async () => {
    const answer = await rawEncryptedCredential(server, 'A256GCM');
    expect([answer.status, answer.contentType]).toEqual([200, 'application/jwt']);
    expect(decodeProtectedHeader(answer.body)).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM', kid: 'raw-wallet-key' });
  });

  it('§8.2: an encrypted request without credential_response_encryption is answered in plain JSON', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const answer = await rawEncryptedCredential(server, undefined, { wallet, accessToken });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json');
  });

  it('P-10, §8.3.1.2: an unsupported enc is invalid_encryption_parameters, in plain JSON', async () => {
    const { answer } = await credentialWith(server, { enc: 'A192GCM' });
    expect(refusal(answer)).toEqual([400, 'invalid_encryption_parameters']);
    expect(answer.headers.get('content-type')).toBe('application/json');
  });

  it('P-10, §8.3.1.2: a private jwk, an unsupported alg, a jwk without alg or a zip is invalid_encryption_parameters', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
    const privateJwk = { ...(await exportJWK(privateKey)), alg: 'ECDH-ES' };
    const publicJwk = await exportJWK(publicKey);
    for (const encryption of [
      { jwk: privateJwk },
      { jwk: { ...publicJwk, alg: 'RSA-OAEP-256' } },
      { jwk: publicJwk },
      { jwk: { ...publicJwk, alg: 'ECDH-ES', crv: 'P-unknown' } },
      { zip: 'DEF' },
    ]) {
      const { answer } = await credentialWith(server, encryption);
      expect(refusal(answer), JSON.stringify(encryption)).toEqual([400, 'invalid_encryption_parameters']);
    }
  });

  it('§8.2: credential_response_encryption in an unencrypted request is invalid_encryption_parameters', async () => {
    const { answer } = await credentialWith(server, { plainRequest: true });
    expect(refusal(answer)).toEqual([400, 'invalid_encryption_parameters']);
    expect(answer.body.error_description).toMatch(/encrypted credential request/);
  });

  it('§10: a request JWE the issuer key cannot decrypt is invalid_encryption_parameters', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const other = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
    const jwe = await new CompactEncrypt(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM' })
      .encrypt(other.publicKey);
    const answer = await postCredential(server, wallet, accessToken, jwe, 'application/jwt');
    expect([answer.status, JSON.parse(answer.body).error]).toEqual([400, 'invalid_encryption_parameters']);
  });
});

describe('credential response encryption required (seed P-10; OpenID4VCI 1.0 §8.2, §12.2.4)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ credentialResponseEncryption: { required: true } });
  });
  afterAll(() => server.stop());

  it('P-10, §12.2.4: the metadata says encryption is required, both ways', async () => {
    const { issuer } = await (await server.wallet()).metadata();
    expect(issuer.body.credential_response_encryption).toMatchObject({ encryption_required: true });
    expect(issuer.body.credential_request_encryption).toMatchObject({ encryption_required: true });
  });

  it('P-10: a plain request is refused with invalid_encryption_parameters', async () => {
    const { answer } = await credentialWith(server);
    expect(refusal(answer)).toEqual([400, 'invalid_encryption_parameters']);
  });

  it('P-10: an encrypted request without credential_response_encryption is refused with invalid_encryption_parameters', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const answer = await rawEncryptedCredential(server, undefined, { wallet, accessToken });
    expect([answer.status, JSON.parse(answer.body).error]).toEqual([400, 'invalid_encryption_parameters']);
  });

  it('P-10: an encrypted request asking for an encrypted response is issued', async () => {
    const { answer } = await credentialWith(server, {});
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/jwt');
    expect(answer.body.credentials).toHaveLength(1);
  });
});

/** POST /credential with a DPoP proof and `body` as sent, answering the status, content type and raw body. */
async function postCredential(
  server: RunningIssuer,
  wallet: ReferenceWallet,
  accessToken: string,
  body: string,
  type: string,
) {
  const url = `${server.url}/credential`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': type,
      Authorization: `DPoP ${accessToken}`,
      DPoP: await dpopProof(wallet.dpopKey, { method: 'POST', url, accessToken, now: server.clock.now }),
    },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.text(),
  };
}

/** A credential request encrypted to the issuer's key by hand, asking for a response with `enc` to a key with kid `raw-wallet-key`. */
async function rawEncryptedCredential(
  server: RunningIssuer,
  enc: string | undefined,
  session?: { wallet: ReferenceWallet; accessToken: string },
) {
  const wallet = session?.wallet ?? (await server.wallet());
  const accessToken = session?.accessToken ?? (await untilToken(wallet)).accessToken;
  const proof = await keyProof(wallet.options.holderKey, {
    audience: server.url,
    nonce: await wallet.nonce(),
    now: server.clock.now,
  });
  const responseKey = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
  const jwk = { ...(await exportJWK(responseKey.publicKey)), alg: 'ECDH-ES', kid: 'raw-wallet-key' };
  const body = {
    credential_configuration_id: 'demo_membership',
    proofs: { jwt: [proof] },
    ...(enc && { credential_response_encryption: { jwk, enc } }),
  };
  const { issuer } = await wallet.metadata();
  const issuerKey = (issuer.body.credential_request_encryption as { jwks: { keys: JWK[] } }).jwks.keys[0]!;
  const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(body)))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: String(issuerKey.kid) })
    .encrypt(await importJWK(issuerKey, 'ECDH-ES'));
  return postCredential(server, wallet, accessToken, jwe, 'application/jwt');
}
