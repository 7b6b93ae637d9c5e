import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import type { Jwk, JwtSigner, SignJwtCallback, VerifyJwtCallback } from '@openid4vc/oauth2';
import type { IssuerMetadataResult, Openid4vciClient } from '@openid4vc/openid4vci';
import { calculateJwkThumbprint, compactVerify, exportJWK, importJWK, importX509, type JWK, SignJWT } from 'jose';
import type { WalletKey } from '../../wallet/keys.js';

/** What the library sent: each request's URL, form or JSON fields, and whether it carried DPoP. */
export interface Sent {
  url: string;
  fields: Record<string, unknown>;
  dpop: boolean;
}

export function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    const fields = body.startsWith('{') ? JSON.parse(body) : Object.fromEntries(new URLSearchParams(body));
    const headers = new Headers(init?.headers);
    sent.push({ url: String(input instanceof Request ? input.url : input), fields, dpop: headers.has('dpop') });
    return fetch(input, init);
  };
}

/**
 * The crypto callbacks of an `@openid4vc/*` client (0.4 and 0.5 take the same shapes): the
 * wallet's keys, found by the public JWK the library hands the signing callback; JWT
 * verification by `jwk` or `x5c`; SHA hashes; random bytes; the SAN names of a certificate.
 */
export function callbacksFor<A>(keys: WalletKey[], sent: Sent[], clientAuthentication: A) {
  const byThumbprint = new Map<string, WalletKey>();
  const ready = Promise.all(
    keys.map(async (key) => byThumbprint.set(await calculateJwkThumbprint(key.publicJwk), key)),
  );
  const signJwt: SignJwtCallback = async (signer: JwtSigner, { header, payload }) => {
    await ready;
    if (signer.method !== 'jwk') throw new Error(`the wallet signs with its own keys, not ${signer.method}`);
    const key = byThumbprint.get(await calculateJwkThumbprint(signer.publicJwk as JWK));
    if (!key) throw new Error('unknown wallet key');
    const jwt = await new SignJWT(payload).setProtectedHeader({ ...header, alg: 'ES256' }).sign(key.privateKey);
    return { jwt, signerJwk: signer.publicJwk };
  };
  const verifyJwt: VerifyJwtCallback = async (signer, { compact }) => {
    const key =
      signer.method === 'x5c'
        ? await importX509(`-----BEGIN CERTIFICATE-----\n${signer.x5c[0]}\n-----END CERTIFICATE-----`, signer.alg)
        : signer.method === 'jwk'
          ? await importJWK(signer.publicJwk as JWK, signer.alg)
          : undefined;
    if (!key) return { verified: false };
    try {
      await compactVerify(compact, key);
      const signerJwk = signer.method === 'jwk' ? signer.publicJwk : ((await exportJWK(key as CryptoKey)) as Jwk);
      return { verified: true, signerJwk };
    } catch {
      return { verified: false };
    }
  };
  return {
    fetch: recordingFetch(sent),
    hash: (data: Uint8Array, alg: string) =>
      new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
    generateRandom: (length: number) => new Uint8Array(randomBytes(length)),
    signJwt,
    verifyJwt,
    encryptJwe: () => Promise.reject(new Error('not used')),
    decryptJwe: () => Promise.reject(new Error('not used')),
    getX509CertificateMetadata: (certificate: string) => {
      const names = (new X509Certificate(Buffer.from(certificate, 'base64')).subjectAltName ?? '').split(', ');
      return {
        sanDnsNames: names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
        sanUriNames: names.filter((n) => n.startsWith('URI:')).map((n) => n.slice(4)),
      };
    },
    clientAuthentication,
  };
}

/** The steps after the code, the same in every dialect and in both library versions. */
export interface CodeRedemption {
  issuerMetadata: IssuerMetadataResult;
  credentialOffer: {
    credential_issuer: string;
    credential_configuration_ids: string[];
    grants: { authorization_code: Record<string, never> };
  };
  authorizationCode: string;
  holderKey: WalletKey;
  dpop: { signer: { method: 'jwk'; alg: string; publicJwk: Jwk } };
}

/**
 * Token, c_nonce and credential through the library's own calls, as the demo client. `client` is an 0.5
 * `Openid4vciClient`; 0.4.6's has the same calls with the same shapes.
 */
export async function redeemCode(client: Openid4vciClient, r: CodeRedemption) {
  const token = await client.retrieveAuthorizationCodeAccessTokenFromOffer({
    issuerMetadata: r.issuerMetadata,
    credentialOffer: r.credentialOffer,
    authorizationCode: r.authorizationCode,
    redirectUri: DEMO_CLIENT.redirectUri,
    dpop: r.dpop,
  });
  const { c_nonce } = await client.requestNonce({ issuerMetadata: r.issuerMetadata });
  const proof = await client.createCredentialRequestJwtProof({
    issuerMetadata: r.issuerMetadata,
    credentialConfigurationId: 'demo_membership',
    signer: { method: 'jwk', alg: 'ES256', publicJwk: r.holderKey.publicJwk as Jwk },
    nonce: c_nonce,
    clientId: DEMO_CLIENT.clientId,
  });
  return client.retrieveCredentials({
    issuerMetadata: r.issuerMetadata,
    accessToken: token.accessTokenResponse.access_token,
    credentialConfigurationId: 'demo_membership',
    proofs: { jwt: [proof.jwt] },
    dpop: { ...r.dpop, nonce: token.dpop?.nonce },
  });
}

/** The demo credential offered with an authorization_code grant. */
export const DEMO_CLIENT = { clientId: 'oid4vc-ts-wallet', redirectUri: 'https://wallet.example/callback' };

/**
 * What both tests start from: the demo credential offered with an authorization_code grant, the
 * wallet's DPoP signer, and the options of `initiateAuthorization` but the issuer metadata.
 */
export function demoStart(credentialIssuer: string, dpopKey: WalletKey) {
  const credentialOffer = {
    credential_issuer: credentialIssuer,
    credential_configuration_ids: ['demo_membership'],
    grants: { authorization_code: {} as Record<string, never> },
  };
  const dpop = { signer: { method: 'jwk' as const, alg: 'ES256', publicJwk: dpopKey.publicJwk as Jwk } };
  return { credentialOffer, dpop, authorization: { credentialOffer, ...DEMO_CLIENT, scope: 'membership', dpop } };
}
