import { X509Certificate, createHash } from 'node:crypto';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, importJWK, importX509 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuerKeys } from '../../adapters/keys/ports.js';
import {
  TokenSession,
  certifiedTokenSigner,
  tokenSigner,
  withTokenSigners,
  type TokenSigner,
} from '../../adapters/keys/pkcs11/index.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { SOFTHSM_MODULE, softHsm } from '../support/softhsm.js';
import { issueVerifierChain } from '../support/verifier-ca.js';

const TOKEN = { label: 'pdi-e2e', pin: '9876-5432' };
const hsm = softHsm();

beforeAll(async () => {
  hsm.initToken(TOKEN.label, TOKEN.pin);
  await hsm.generateKeyPair(TOKEN, { label: 'credential', id: '01' });
  await hsm.generateKeyPair(TOKEN, { label: 'verifier', id: '02' });
});
afterAll(() => hsm.remove());

/** The issuer over real HTTP whose credential and request-object keys are on the SoftHSM2 token, its verifier leaf issued by a CA. */
async function startTokenIssuer(verifier: Record<string, string>) {
  const session = TokenSession.open({ modulePath: SOFTHSM_MODULE, tokenLabel: TOKEN.label, pin: { value: TOKEN.pin } });
  const token: { credential?: TokenSigner; verifier?: TokenSigner } = {};
  const keys = async (presetKeys: IssuerKeys, subjectDns: string) => {
    token.credential = await tokenSigner(session, { label: 'credential' });
    token.verifier = await tokenSigner(session, { id: '02' });
    const chain = await issueVerifierChain(token.verifier.publicJwk, subjectDns);
    return withTokenSigners(presetKeys, {
      credential: token.credential,
      verifier: certifiedTokenSigner(token.verifier, chain, { subjectDns, now: Date.now() }),
    });
  };
  const server = await startIssuer({ verifier }, { keys });
  return {
    server,
    credential: token.credential!,
    verifier: token.verifier!,
    stop: async () => {
      await server.stop();
      await session.close();
    },
  };
}

/** The request object behind a fresh authorization challenge, as the wallet fetches it. */
async function requestObject(server: RunningIssuer): Promise<{ clientId: string; jws: string }> {
  const wallet = await server.wallet();
  const first = await wallet.challenge({ scope: 'membership' });
  const presentation = new URL(String(first.body.presentation));
  const response = await fetch(presentation.searchParams.get('request_uri')!, {
    headers: { Accept: 'application/oauth-authz-req+jwt' },
  });
  expect(response.status).toBe(200);
  return { clientId: presentation.searchParams.get('client_id')!, jws: await response.text() };
}

describe('issuance with the signing keys on a PKCS#11 token (issue 12 §2; SoftHSM2 over real HTTP)', () => {
  let issuer: Awaited<ReturnType<typeof startTokenIssuer>>;
  beforeAll(async () => {
    issuer = await startTokenIssuer({ clientIdPrefix: 'x509_san_dns', responseMode: 'direct_post.jwt' });
  });
  afterAll(() => issuer.stop());

  it('the reference wallet completes the whole flow; the SD-JWT VC verifies against the token key and the published jwt-vc-issuer JWKS', async () => {
    const wallet = await issuer.server.wallet();
    const credential = await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' });
    const issuerSigned = credential.split('~')[0]!;
    expect(decodeProtectedHeader(issuerSigned)).toMatchObject({ alg: 'ES256', kid: issuer.credential.kid });
    await compactVerify(issuerSigned, await importJWK(issuer.credential.publicJwk, 'ES256'));
    const metadata = await fetch(`${issuer.server.url}/.well-known/jwt-vc-issuer`).then((r) => r.json());
    // The token key alone: the key file's unused key is not published (withTokenSigners publishes only listed previous keys).
    expect(metadata.jwks).toEqual({ keys: [issuer.credential.publicJwk] });
    await compactVerify(issuerSigned, createLocalJWKSet(metadata.jwks));
  });

  it('OpenID4VP §5.9.3 x509_san_dns: the request object verifies against its x5c leaf, whose key is the token verifier key and whose SAN is the host', async () => {
    const { clientId, jws } = await requestObject(issuer.server);
    const host = new URL(issuer.server.url).hostname;
    expect(clientId).toBe(`x509_san_dns:${host}`);
    const header = decodeProtectedHeader(jws);
    expect(header.x5c).toHaveLength(2);
    const leaf = new X509Certificate(Buffer.from(header.x5c![0]!, 'base64'));
    expect(leaf.subjectAltName).toBe(`DNS:${host}`);
    expect(leaf.verify(new X509Certificate(Buffer.from(header.x5c![1]!, 'base64')).publicKey)).toBe(true);
    const { x, y } = leaf.publicKey.export({ format: 'jwk' });
    expect({ x, y }).toEqual({ x: issuer.verifier.publicJwk.x, y: issuer.verifier.publicJwk.y });
    await compactVerify(jws, await importX509(leaf.toString(), 'ES256'));
    await compactVerify(jws, await importJWK(issuer.verifier.publicJwk, 'ES256'));
  });
});

describe('the x509_hash client identifier with the token verifier key (OpenID4VP §5.9.3)', () => {
  let issuer: Awaited<ReturnType<typeof startTokenIssuer>>;
  beforeAll(async () => {
    issuer = await startTokenIssuer({ clientIdPrefix: 'x509_hash', responseMode: 'direct_post' });
  });
  afterAll(() => issuer.stop());

  it('names the hash of the CA-issued leaf for the token key, and the reference wallet completes the flow', async () => {
    const { clientId, jws } = await requestObject(issuer.server);
    const leaf = Buffer.from(decodeProtectedHeader(jws).x5c![0]!, 'base64');
    expect(clientId).toBe(`x509_hash:${createHash('sha256').update(leaf).digest('base64url')}`);
    await compactVerify(jws, await importJWK(issuer.verifier.publicJwk, 'ES256'));
    const wallet = await issuer.server.wallet();
    const credential = await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' });
    await compactVerify(credential.split('~')[0]!, await importJWK(issuer.credential.publicJwk, 'ES256'));
  });
});
