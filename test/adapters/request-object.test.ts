import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodeProtectedHeader, importX509, jwtVerify, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../adapters/keys/keyring.js';
import {
  DcqlQuery,
  buildRequestObject,
  clientIdFor,
  pidDcqlQuery,
  presentationUri,
  type ClientIdPrefix,
} from '../../protocol/openid4vp/request-object.js';

/** OpenID4VP App. B.3.4: the algorithms the presentation verifier accepts, issuer signature and KB-JWT alike (capabilities.ts). */
const VP_FORMATS = {
  'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256', 'ES384', 'EdDSA'], 'kb-jwt_alg_values': ['ES256', 'ES384', 'EdDSA'] },
};

const NOW = 1_800_000_000_000;
const DNS = 'issuer.example';
const RESPONSE_URI = `https://${DNS}/verifier/response/request-1`;
const AUDIENCE = 'https://self-issued.me/v2';
const QUERY = pidDcqlQuery(['urn:eudi:pid:1'], ['given_name', 'family_name']);

let dir: string;
let keyRing: KeyRing;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pdi-request-object-'));
  keyRing = await KeyRing.open(dir, { now: NOW, subjectDns: DNS });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const build = (overrides: Partial<Parameters<typeof buildRequestObject>[0]> = {}) =>
  buildRequestObject({
    keys: keyRing,
    clientIdPrefix: 'x509_san_dns',
    dns: DNS,
    responseUri: RESPONSE_URI,
    nonce: 'nonce-1',
    state: 'state-1',
    responseMode: 'direct_post',
    dcqlQuery: QUERY,
    now: NOW,
    lifetimeSeconds: 300,
    requestId: 'request-1',
    ...overrides,
  });

/** What a wallet does with an x509 request object: verify it with the key of the x5c leaf. */
async function verifyWithLeaf(requestObject: string) {
  const [leafDer] = decodeProtectedHeader(requestObject).x5c ?? [];
  const pem = `-----BEGIN CERTIFICATE-----\n${leafDer}\n-----END CERTIFICATE-----`;
  return jwtVerify(requestObject, await importX509(pem, 'ES256'), {
    typ: 'oauth-authz-req+jwt',
    audience: AUDIENCE,
    currentDate: new Date(NOW),
  });
}

describe('signed request object (OpenID4VP §5, §5.8; JAR)', () => {
  it.each<ClientIdPrefix>(['x509_san_dns', 'x509_hash'])(
    '%s: verifies with the x5c leaf key, typ oauth-authz-req+jwt',
    async (clientIdPrefix) => {
      const { requestObject, contentType } = await build({ clientIdPrefix });
      const { protectedHeader } = await verifyWithLeaf(requestObject);
      expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'oauth-authz-req+jwt', x5c: keyRing.verifierKey().x5c });
      expect(contentType).toBe('application/oauth-authz-req+jwt');
    },
  );

  it('direct_post: carries every request parameter, without encryption metadata', async () => {
    const { requestObject, clientId } = await build();
    const { payload } = await verifyWithLeaf(requestObject);
    expect(payload).toEqual({
      response_type: 'vp_token',
      response_mode: 'direct_post',
      response_uri: RESPONSE_URI,
      client_id: clientId,
      nonce: 'nonce-1',
      state: 'state-1',
      dcql_query: QUERY,
      client_metadata: {
        vp_formats_supported: VP_FORMATS,
      },
      aud: AUDIENCE,
      iat: NOW / 1000,
      exp: NOW / 1000 + 300,
    });
  });

  it('HAIP §5.1 direct_post.jwt: client_metadata carries the per-request ECDH-ES key and both AES-GCM encodings', async () => {
    const { payload } = await verifyWithLeaf((await build({ responseMode: 'direct_post.jwt' })).requestObject);
    expect(payload.response_mode).toBe('direct_post.jwt');
    expect(payload.client_metadata).toEqual({
      vp_formats_supported: VP_FORMATS,
      jwks: { keys: [keyRing.responseEncryptionKey('request-1').publicJwk] },
      encrypted_response_enc_values_supported: ['A128GCM', 'A256GCM'],
    });
    const other = await verifyWithLeaf(
      (await build({ responseMode: 'direct_post.jwt', requestId: 'request-2' })).requestObject,
    );
    expect(other.payload.client_metadata).not.toEqual(payload.client_metadata);
  });

  it('OpenID4VP §5.10: a wallet_nonce sent to request_uri (method post) is echoed', async () => {
    const { payload } = await verifyWithLeaf((await build({ walletNonce: 'wallet-nonce-1' })).requestObject);
    expect(payload.wallet_nonce).toBe('wallet-nonce-1');
  });

  it('expires lifetimeSeconds after now: a wallet refuses it later', async () => {
    const { requestObject } = await build({ lifetimeSeconds: 60 });
    const [leafDer] = decodeProtectedHeader(requestObject).x5c ?? [];
    const key = await importX509(`-----BEGIN CERTIFICATE-----\n${leafDer}\n-----END CERTIFICATE-----`, 'ES256');
    await expect(jwtVerify(requestObject, key, { currentDate: new Date(NOW + 61_000) })).rejects.toThrow(/exp/);
  });
});

describe('client identifier prefixes (OpenID4VP §5.9.3)', () => {
  it('x509_san_dns:<dns>, a dNSName SAN of the leaf and the host of response_uri', async () => {
    const { clientId, requestObject } = await build({ clientIdPrefix: 'x509_san_dns' });
    expect(clientId).toBe(`x509_san_dns:${DNS}`);
    const leaf = new X509Certificate(Buffer.from(decodeProtectedHeader(requestObject).x5c![0]!, 'base64'));
    expect(leaf.subjectAltName).toBe(`DNS:${DNS}`);
    expect(new URL(RESPONSE_URI).hostname).toBe(DNS);
  });

  it('x509_san_dns refuses a dns that is not the host of response_uri', () => {
    expect(() =>
      clientIdFor({
        keys: keyRing,
        clientIdPrefix: 'x509_san_dns',
        dns: DNS,
        responseUri: 'https://elsewhere.example/response',
      }),
    ).toThrow(/does not match/);
  });

  it('x509_hash:<base64url SHA-256 of the leaf DER in x5c>', async () => {
    const { clientId, requestObject } = await build({ clientIdPrefix: 'x509_hash' });
    const leafDer = Buffer.from(decodeProtectedHeader(requestObject).x5c![0]!, 'base64');
    expect(clientId).toBe(`x509_hash:${createHash('sha256').update(leafDer).digest('base64url')}`);
    expect((await verifyWithLeaf(requestObject)).payload.client_id).toBe(clientId);
  });

  it('redirect_uri: the request object is unsigned (alg none) and its client_id is the response_uri', async () => {
    const { clientId, requestObject, contentType } = await build({
      clientIdPrefix: 'redirect_uri',
      responseMode: 'direct_post.jwt',
    });
    expect(clientId).toBe(`redirect_uri:${RESPONSE_URI}`);
    expect(requestObject.endsWith('.')).toBe(true);
    expect(decodeProtectedHeader(requestObject)).toEqual({ alg: 'none', typ: 'oauth-authz-req+jwt' });
    await expect(verifyWithLeaf(requestObject)).rejects.toThrow();
    const { payload } = UnsecuredJWT.decode(requestObject, { audience: AUDIENCE, currentDate: new Date(NOW) });
    expect(payload.client_id).toBe(clientId);
    expect(payload.client_id).toBe(`redirect_uri:${payload.response_uri}`);
    expect(payload.client_metadata).toMatchObject({
      jwks: { keys: [keyRing.responseEncryptionKey('request-1').publicJwk] },
    });
    expect(contentType).toBe('application/oauth-authz-req+jwt');
  });
});

describe('DCQL query for a PID (OpenID4VP §6, App. B.3)', () => {
  it('pidDcqlQuery asks for one dc+sd-jwt credential with vct_values and one path per claim', () => {
    expect(pidDcqlQuery(['urn:eudi:pid:1'], ['given_name', 'birthdate'])).toEqual({
      credentials: [
        {
          id: 'pid',
          format: 'dc+sd-jwt',
          meta: { vct_values: ['urn:eudi:pid:1'] },
          claims: [{ path: ['given_name'] }, { path: ['birthdate'] }],
        },
      ],
    });
    expect(DcqlQuery.safeParse(QUERY).success).toBe(true);
  });

  it('the schema refuses a query without vct_values, with another format, or with an invalid id', () => {
    const [credential] = QUERY.credentials;
    expect(DcqlQuery.safeParse({ credentials: [{ ...credential, meta: { vct_values: [] } }] }).success).toBe(false);
    expect(DcqlQuery.safeParse({ credentials: [{ ...credential, format: 'mso_mdoc' }] }).success).toBe(false);
    expect(DcqlQuery.safeParse({ credentials: [{ ...credential, id: 'p id' }] }).success).toBe(false);
    expect(DcqlQuery.safeParse({ credentials: [] }).success).toBe(false);
  });
});

describe('presentation URI (OpenID4VP §5.10)', () => {
  it('round-trips client_id, request_uri and request_uri_method through URL parsing', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        fc.boolean(),
        (clientId, requestUri, post) => {
          const url = new URL(presentationUri(clientId, requestUri, post ? 'post' : undefined));
          expect(url.protocol).toBe('openid4vp:');
          expect(url.searchParams.get('client_id')).toBe(clientId);
          expect(url.searchParams.get('request_uri')).toBe(requestUri);
          expect(url.searchParams.get('request_uri_method')).toBe(post ? 'post' : null);
          expect([...url.searchParams.keys()]).toHaveLength(post ? 3 : 2);
        },
      ),
    );
  });

  it('has the form openid4vp://?client_id=…&request_uri=…', () => {
    expect(presentationUri(`x509_san_dns:${DNS}`, 'https://issuer.example/r/1?a=b', 'post')).toBe(
      'openid4vp://?client_id=x509_san_dns%3Aissuer.example&request_uri=https%3A%2F%2Fissuer.example%2Fr%2F1%3Fa%3Db&request_uri_method=post',
    );
  });
});
